/**
 * Plateau / learning rate too low. Two forms:
 * - no progress: after `minEpochs` epochs the training loss (epoch means) fell by less than
 *   `minImprovement` (relative) since epoch 1, the validation loss did not fall either, and the loss
 *   is still well above zero (≥ `minChanceFraction` · ln C), so this is not a converged run. The
 *   validation loss (fixed rows, eval mode) is the clean signal; the training loss guards against
 *   a model that learns the training set but not the validation set;
 * - stuck at chance on validation (see `stuckAtChance`).
 * Quiet when an explosion or a dead network already explains a stuck loss; resolved in the report
 * when the run climbs out of it later.
 */
import type { EpochMetrics, Fix } from '../model';
import { learningRateText, raiseLearningRate } from './fixes';
import { brokenRun, chanceLevel, priorLevel } from './runContext';
import { fmt, pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const PLATEAU_DEFAULTS = {
  /** Epochs before "no progress" is judged. */
  minEpochs: 5,
  /** Relative fall of the training loss since the start below which there is "no progress". */
  minImprovement: 0.05,
  /** Only while the loss is at least this fraction of ln C (a run near zero loss is converged, not stuck). */
  minChanceFraction: 0.5,
  /** Stuck at chance: from this epoch on, a validation loss still within `chanceMargin` of the prior's entropy... */
  chanceMinEpochs: 15,
  chanceMargin: 0.03,
  /** ...while the training loss is also within this of it. */
  chanceTrainMargin: 0.1,
  /** ...that also fell less than this (relative) over the last 5 epochs. */
  chanceRecentImprovement: 0.02,
  /** At the end, a plateau is resolved if the validation loss finally fell this much (relative) below its level when raised. */
  resolvedImprovement: 0.1,
  /** The rise offered: one decade, the step of a learning-rate grid (Bengio 2012, "Practical recommendations"). */
  learningRateFactor: 10,
};

export class PlateauDetector implements Detector {
  readonly kind = 'plateau' as const;
  private readonly t: typeof PLATEAU_DEFAULTS;
  private firstTrain: number | null = null;
  private firstVal: number | null = null;
  private raised = false;
  private seenClasses: number | undefined;
  private readonly valLosses: number[] = [];
  private raisedAt: { epoch: number; valLoss: number } | null = null;
  private lastMetrics: EpochMetrics | null = null;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('plateau', PLATEAU_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onEpoch(event: EpochInput): void {
    const m = event.metrics;
    if (event.validation) this.seenClasses ??= event.validation.classes;
    if (Number.isFinite(m.valLoss)) this.lastMetrics = m;
    if (this.raised || !Number.isFinite(m.trainLoss)) return;
    this.firstTrain ??= m.trainLoss;
    if (Number.isFinite(m.valLoss)) this.firstVal ??= m.valLoss;
    this.valLosses.push(m.valLoss);
    if (m.epoch < this.t.minEpochs) return;
    if (this.env.raised('exploding-loss') || brokenRun(this.env, m, this.seenClasses)) return;
    // Epoch 1's mean, not the first steps: single minibatch losses are too noisy to measure a few
    // percent of progress, and the first epoch's mean already includes its learning (conservative).
    const start = this.firstTrain;
    const improvement = (start - m.trainLoss) / start;
    const valImprovement = this.firstVal !== null && Number.isFinite(m.valLoss) ? (this.firstVal - m.valLoss) / this.firstVal : 0;
    const chance = chanceLevel(this.env.ctx, this.seenClasses);
    const floor = chance !== undefined ? this.t.minChanceFraction * chance : 0;
    if (this.stuckAtChance(m)) return;
    if (!(start > 0) || improvement >= this.t.minImprovement || valImprovement >= this.t.minImprovement || m.trainLoss < floor) return;
    this.raisePlateau(m, start, improvement, valImprovement, chance);
  }

  /** A plateau the run climbed out of later (slow start, e.g. the spiral) is resolved in the report. */
  finish(): void {
    const last = this.lastMetrics;
    if (!this.raisedAt || !last || !(last.valLoss < (1 - this.t.resolvedImprovement) * this.raisedAt.valLoss)) return;
    this.env.resolve('plateau', `Resolved later: the validation loss fell from ${fmt(this.raisedAt.valLoss)} (epoch ${this.raisedAt.epoch}) to ${fmt(last.valLoss)} (epoch ${last.epoch}); the start was slow. Earlier:`, {
      finalValLoss: last.valLoss,
    });
  }

  private raisePlateau(m: EpochMetrics, start: number, improvement: number, valImprovement: number, chance: number | undefined): void {
    this.raised = true;
    this.raisedAt = { epoch: m.epoch, valLoss: m.valLoss };
    const ctx = this.env.ctx;
    const chanceText = chance !== undefined ? ` (guessing uniformly gives ${fmt(chance)})` : '';
    this.env.raise({
      kind: 'plateau',
      severity: 'warning',
      epoch: m.epoch,
      message:
        `No progress: after ${m.epoch} epochs the training loss is ${fmt(m.trainLoss)}, only ${pct(Math.max(0, improvement))} below where it started (${fmt(start)})${chanceText}, ` +
        `and the validation loss has not improved either. The learning rate (${learningRateText(ctx, m.learningRate)}) is probably too low for this model and data. ` +
        `Try a learning rate ${fmt(this.t.learningRateFactor)}× higher, or run the learning-rate range test.`,
      evidence: { onsetEpoch: 1, startLoss: start, trainLoss: m.trainLoss, relativeImprovement: improvement, validationImprovement: valImprovement, chanceLoss: chance ?? null, learningRate: m.learningRate },
      fix: this.fixes(m.learningRate),
    });
  }

  private fixes(logged: number): Fix[] {
    const ctx = this.env.ctx;
    const opt = ctx.config?.optimizer;
    const fixes: Fix[] = [raiseLearningRate(ctx, this.t.learningRateFactor, 'one decade, the usual grid step', logged)];
    if (opt && opt.type === 'sgd' && opt.momentum === 0) {
      fixes.push({ title: 'Switch to Adam (learning rate 0.001)', edits: [{ path: 'optimizer.type', value: 'adam' }, { path: 'optimizer.learningRate', value: 0.001 }] });
    }
    const hidden = ctx.config?.model.hidden;
    if (hidden && hidden.length > 0) fixes.push({ title: `Double the hidden units to [${hidden.map((h) => h * 2).join(', ')}]`, edits: [{ path: 'model.hidden', value: hidden.map((h) => h * 2) }] });
    return fixes;
  }

  /**
   * Stuck at chance on validation: after `chanceMinEpochs`, the validation loss has never been better
   * than predicting the training class frequencies for every row (H(prior), within `chanceMargin`),
   * the training loss is near that level too (`chanceTrainMargin`), and it has stopped falling. Not judged with class weights or label smoothing (they move that level).
   */
  private stuckAtChance(m: EpochMetrics): boolean {
    const cfg = this.env.ctx.config;
    if (cfg && (cfg.loss.labelSmoothing > 0 || cfg.loss.classWeights !== 'none')) return false;
    const prior = priorLevel(this.env.ctx, this.seenClasses);
    const v = this.valLosses;
    if (prior === undefined || m.epoch < this.t.chanceMinEpochs || v.length < 6 || !Number.isFinite(m.valLoss)) return false;
    const recent = (v[v.length - 6]! - m.valLoss) / v[v.length - 6]!;
    // Never below chance on validation, and not learning the training set either (a net that fits
    // the training rows while validation climbs past chance is overfitting, not a plateau).
    const bestVal = Math.min(...v.filter(Number.isFinite));
    if (bestVal < (1 - this.t.chanceMargin) * prior || m.trainLoss < (1 - this.t.chanceTrainMargin) * prior || recent >= this.t.chanceRecentImprovement) return false;
    this.raised = true;
    this.raisedAt = { epoch: m.epoch, valLoss: m.valLoss };
    this.env.raise({
      kind: 'plateau',
      severity: 'warning',
      epoch: m.epoch,
      message:
        `No progress on validation: after ${m.epoch} epochs the validation loss is ${fmt(m.valLoss)}, no better than the ${fmt(prior)} of predicting the class frequencies for every row, ` +
        `and it stopped falling (${pct(Math.max(0, recent))} over the last 5 epochs). The model has not found any signal that generalises: ` +
        `the learning rate may be too low, the model too small for the pattern, or the features uninformative. Try a higher learning rate or more hidden units.`,
      evidence: { onsetEpoch: 1, valLoss: m.valLoss, priorLoss: prior, recentImprovement: recent, trainLoss: m.trainLoss, learningRate: m.learningRate, reason: 'at-chance' },
      fix: this.fixes(m.learningRate),
    });
    return true;
  }
}
