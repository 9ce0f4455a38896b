/**
 * Oscillation / learning rate too high: the loss goes up and down instead of down. Judged on the
 * validation loss (with a high rate the weights jump across the valley, and the validation loss,
 * measured on fixed rows in eval mode, shows it; the epoch training loss also swings with dropout
 * and batch noise), on the training loss only when a log has no validation loss. Over the last
 * `window` epochs: at least `minTurns` rises AND `minTurns` falls (alternation, not
 * a steady climb, which is overfitting), a typical (median) move of at least `minSwing` of the
 * curve's level, no net progress (the last half's median is not `minImprovement` below the first
 * half's), while the level is ≥ `minChanceFraction` · ln C (near zero loss, relative swings mean
 * nothing). A healthy run's curves fall almost monotonically at this scale: minibatch noise
 * averages out within an epoch.
 * A validation curve that zigzags while the TRAINING loss falls steadily (at least
 * `steadyTrainingFall` of its level across the window, zigzags and all, or falling nearly every
 * epoch: Kendall's tau against the epoch ≤ -`steadyTrainingTrend`) is not overshooting:
 * the optimizer is making progress, and a big net memorizing a small table makes its validation
 * loss wander upward (overfitting) without any learning-rate problem.
 */
import { compact, learningRateText, lowerLearningRate } from './fixes';
import { brokenRun, chanceLevel } from './runContext';
import { fmt, median, pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const OSCILLATION_DEFAULTS = {
  window: 8,
  /** Rises and falls each, among the window's `window - 1` moves (a random walk shows ~half of each). */
  minTurns: 3,
  /** Median |Δ loss| / median loss over the window. */
  minSwing: 0.1,
  /** Net progress across the window (relative) below which the oscillation "goes nowhere". */
  minImprovement: 0.1,
  minChanceFraction: 0.1,
  /**
   * The training loss fell this share across the window (first half's median to the second's):
   * steady progress, not oscillation. 0.1 (= `minImprovement`): on bench:timing's
   * overfitting runs the training loss fell 30-99% over the 8 epochs the old rule fired on; an
   * overshooting rate leaves it flat or zigzagging.
   */
  steadyTrainingFall: 0.1,
  /**
   * ...or falls nearly monotonically: Kendall's tau of the window's training losses against the
   * epoch at most minus this. 0.6: 8 epochs with at most 3 of the 28 pairs out of order (a random
   * order reaches it with p ≈ 0.02); the balanced-weights runs on 844:12 fall at tau -0.7 to -0.9
   * while a few snow days swing their validation loss; an overshooting rate's training loss zigzags.
   */
  steadyTrainingTrend: 0.6,
  /** The cut offered: √10 ≈ 3, half a decade: the run is unstable but not diverging, so a full decade may overshoot into "too low". */
  learningRateFactor: 3,
};

interface Swing {
  readonly curve: 'training' | 'validation';
  readonly rises: number;
  readonly falls: number;
  readonly swing: number;
  readonly level: number;
  readonly improvement: number;
}

export class OscillationDetector implements Detector {
  readonly kind = 'oscillation' as const;
  private readonly t: typeof OSCILLATION_DEFAULTS;
  private readonly train: number[] = [];
  private readonly val: number[] = [];
  private readonly epochs: number[] = [];
  private raised = false;
  private seenClasses: number | undefined;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('oscillation', OSCILLATION_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onEpoch(event: EpochInput): void {
    const m = event.metrics;
    if (event.validation) this.seenClasses ??= event.validation.classes;
    if (this.raised || !Number.isFinite(m.trainLoss)) return;
    this.train.push(m.trainLoss);
    this.val.push(m.valLoss);
    this.epochs.push(m.epoch);
    const w = Math.max(4, Math.round(this.t.window));
    if (this.train.length < w || brokenRun(this.env, m, this.seenClasses)) return;
    const chance = chanceLevel(this.env.ctx, this.seenClasses);
    // The validation curve when there is one: fixed rows, eval mode, so it moves only when the
    // weights jump. The epoch training loss also swings with dropout and minibatch noise.
    const val = this.val.slice(-w);
    if (val.every(Number.isFinite) && this.trainingFallsSteadily(this.train.slice(-w))) return;
    const found = val.every(Number.isFinite) ? this.judge('validation', val, chance) : this.judge('training', this.train.slice(-w), chance);
    if (!found) return;
    this.raised = true;
    const ctx = this.env.ctx;
    const start = this.epochs[this.epochs.length - w]!;
    const batch = ctx.config?.training.batchSize;
    this.env.raise({
      kind: 'oscillation',
      severity: 'warning',
      epoch: m.epoch,
      message:
        `Oscillating ${found.curve} loss since epoch ${start}: over the last ${w} epochs it rose ${found.rises} times and fell ${found.falls} times, typically moving ${pct(found.swing, 0)} of its level (${fmt(found.level)}) per epoch, ` +
        `with ${found.improvement > 0 ? `only ${pct(found.improvement, 0)}` : 'no'} net progress. The updates overshoot the minimum: the learning rate (${learningRateText(ctx, m.learningRate)}) is probably too high. ` +
        `Try a learning rate ${fmt(this.t.learningRateFactor)}× lower${batch ? ' or a larger batch' : ''}.`,
      evidence: { onsetEpoch: start, curve: found.curve, rises: found.rises, falls: found.falls, window: w, swing: found.swing, level: found.level, netImprovement: found.improvement, learningRate: m.learningRate },
      fix: compact([
        lowerLearningRate(ctx, this.t.learningRateFactor, 'half a decade: unstable but not diverging', m.learningRate),
        batch ? { title: `Double the batch size to ${batch * 2} (less gradient noise)`, edits: [{ path: 'training.batchSize', value: batch * 2 }] } : null,
      ]),
    });
  }

  /** The training loss made steady progress over the window (see `steadyTrainingFall`). */
  private trainingFallsSteadily(win: readonly number[]): boolean {
    const half = Math.floor(win.length / 2);
    const first = median(win.slice(0, half));
    const fall = (first - median(win.slice(-half))) / first;
    return fall >= this.t.steadyTrainingFall || kendallTau(win) <= -this.t.steadyTrainingTrend;
  }

  private judge(curve: Swing['curve'], win: number[], chance: number | undefined): Swing | null {
    if (!win.every(Number.isFinite)) return null;
    let rises = 0;
    let falls = 0;
    const moves: number[] = [];
    for (let i = 1; i < win.length; i++) {
      if (win[i]! > win[i - 1]!) rises++;
      else if (win[i]! < win[i - 1]!) falls++;
      moves.push(Math.abs(win[i]! - win[i - 1]!));
    }
    const level = median(win);
    const swing = median(moves) / level;
    const half = Math.floor(win.length / 2);
    const firstHalf = median(win.slice(0, half));
    const improvement = (firstHalf - median(win.slice(-half))) / firstHalf;
    if (rises < this.t.minTurns || falls < this.t.minTurns || !(swing >= this.t.minSwing) || improvement >= this.t.minImprovement) return null;
    if (chance !== undefined && level < this.t.minChanceFraction * chance) return null;
    return { curve, rises, falls, swing, level, improvement };
  }
}

/** Kendall's tau-a of the values against their order: 1 rising every step, -1 falling every step. */
function kendallTau(values: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) s += Math.sign(values[j]! - values[i]!);
  const pairs = (values.length * (values.length - 1)) / 2;
  return pairs > 0 ? s / pairs : 0;
}
