/**
 * Plateau / learning rate too low: after `minEpochs` epochs, training has barely moved from where it
 * started — the training loss fell by less than `minImprovement` (relative) since the start (the
 * epoch 1's mean), the validation loss did not
 * fall either, and the loss is still well above zero (≥ `minChanceFraction` · ln C), so this is not a
 * converged run. The validation loss (fixed rows, eval mode) is the clean signal here; the epoch
 * training loss guards against a model that learns the training set but not the validation set. Quiet when an explosion or a dead network already explains a stuck loss.
 */
import { raiseLearningRate } from './fixes';
import { brokenRun, chanceLevel } from './runContext';
import { fmt, pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput, Fix } from './types';

export const PLATEAU_DEFAULTS = {
  /** Epochs before "no progress" is judged. */
  minEpochs: 5,
  /** Relative fall of the training loss since the start below which there is "no progress". */
  minImprovement: 0.05,
  /** Only while the loss is at least this fraction of ln C (a run near zero loss is converged, not stuck). */
  minChanceFraction: 0.5,
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

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('plateau', PLATEAU_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onEpoch(event: EpochInput): void {
    const m = event.metrics;
    if (event.validation) this.seenClasses ??= event.validation.classes;
    if (this.raised || !Number.isFinite(m.trainLoss)) return;
    this.firstTrain ??= m.trainLoss;
    if (Number.isFinite(m.valLoss)) this.firstVal ??= m.valLoss;
    if (m.epoch < this.t.minEpochs) return;
    if (this.env.raised('exploding-loss') || brokenRun(this.env, m, this.seenClasses)) return;
    // Epoch 1's mean, not the first steps: single minibatch losses are too noisy to measure a few
    // percent of progress, and the first epoch's mean already includes its learning (conservative).
    const start = this.firstTrain;
    const improvement = (start - m.trainLoss) / start;
    const valImprovement = this.firstVal !== null && Number.isFinite(m.valLoss) ? (this.firstVal - m.valLoss) / this.firstVal : 0;
    const chance = chanceLevel(this.env.ctx, this.seenClasses);
    const floor = chance !== undefined ? this.t.minChanceFraction * chance : 0;
    if (!(start > 0) || improvement >= this.t.minImprovement || valImprovement >= this.t.minImprovement || m.trainLoss < floor) return;
    this.raised = true;
    const ctx = this.env.ctx;
    const chanceText = chance !== undefined ? ` (guessing uniformly gives ${fmt(chance)})` : '';
    const opt = ctx.config?.optimizer;
    const fixes: Fix[] = [raiseLearningRate(ctx, this.t.learningRateFactor, 'one decade, the usual grid step')];
    if (opt && opt.type === 'sgd' && opt.momentum === 0) {
      fixes.push({ title: 'Switch to Adam (learning rate 0.001)', edits: [{ path: 'optimizer.type', value: 'adam' }, { path: 'optimizer.learningRate', value: 0.001 }] });
    }
    this.env.raise({
      kind: 'plateau',
      severity: 'warning',
      epoch: m.epoch,
      message:
        `No progress: after ${m.epoch} epochs the training loss is ${fmt(m.trainLoss)}, only ${pct(Math.max(0, improvement))} below where it started (${fmt(start)})${chanceText}, ` +
        `and the validation loss has not improved either. The learning rate (${fmt(opt?.learningRate ?? m.learningRate)}) is probably too low for this model and data. ` +
        `Try a learning rate ${fmt(this.t.learningRateFactor)}× higher, or run the learning-rate range test.`,
      evidence: { onsetEpoch: 1, startLoss: start, trainLoss: m.trainLoss, relativeImprovement: improvement, validationImprovement: valImprovement, chanceLoss: chance ?? null, learningRate: m.learningRate },
      fix: fixes,
    });
  }
}
