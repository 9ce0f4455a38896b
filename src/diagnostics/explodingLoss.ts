/**
 * Exploding loss, per step (an explosion usually happens inside epoch 1):
 * - a non-finite loss or gradient norm: error, with the first step and batch;
 * - a spike: the robust level of the loss (median of the last `levelWindow` steps, so one bad batch
 *   is not a spike) above `spikeFactor` × the best level reached so far — fastai's lr_find stops at
 *   4× the best smoothed loss — and also at least `spikeMinChance` · ln C above it in absolute
 *   terms, so wiggles near zero loss never count;
 * - one step far beyond chance, `extremeChanceFactor` · ln C: a warning at once;
 * - a level far above chance, `chanceFactor` · ln C: the model is confidently wrong. An error when
 *   the loss climbed there after being lower (divergence); a warning when it started there (the
 *   inputs' scale, usually);
 * - a gradient-norm blow-up: the median of the last `levelWindow` norms above `gradFactor` × the
 *   median of the previous `gradWindow` steps (or of the run's first `gradWindow`, if larger).
 * Minibatch losses are not one number with noise around it: with class weights or a rare class,
 * a batch that holds a minority row weighs many times the others, so batch losses (and gradient
 * norms) jump several-fold from batch to batch while the epoch loss falls. So the spike, the
 * divergence and the gradient blow-up must ALSO clear the spread of the recent batches: the level
 * above `spreadFactor` × the `spreadQuantile` quantile of the `spreadWindow` steps before it, judged
 * once `spreadMinSteps` of them exist. A real explosion leaves every recent batch far behind; a
 * heavy batch does not. After a step beyond `extremeChanceFactor` · ln C the batches are no
 * healthy reference any more, and the spread no longer vetoes.
 * With no step events (a log that only has epochs) the same checks run on the epoch training loss.
 */
import { type EpochMetrics, type Fix, recorded, type Severity, type StepStats } from '../model';
import { clipGradients, compact, lowerLearningRate, standardizeInputs } from './fixes';
import { chanceLevel } from './runContext';
import { fmt, median, medianOfLast, quantile } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

/**
 * "step 2 (in epoch 1)": the step counts over the whole run, from 1. No batch number: the engine's
 * counts from 0 ("step 2 (epoch 1, batch 1)" read as a contradiction) and a foreign log has none.
 */
const stepWhere = (step: number, epoch: number): string => `step ${step} (in epoch ${epoch})`;

export const EXPLODING_LOSS_DEFAULTS = {
  /** fastai `lr_find`: stop when the smoothed loss exceeds 4× the best smoothed loss. */
  spikeFactor: 4,
  /** A spike must also rise this fraction of ln C above the best level (absolute floor). */
  spikeMinChance: 0.5,
  /** "Far above chance": this many times ln C, the loss of guessing uniformly. */
  chanceFactor: 3,
  /**
   * One step alone this many times ln C is an explosion even if the median has not moved: a
   * minibatch loss of 30 ln C means logits tens of units wrong, which no healthy run produces, and
   * the network may die right after it (then the median never sees it).
   */
  extremeChanceFactor: 30,
  /**
   * ...and this many times ln C is an error: a minibatch loss of 1000 ln C (logits hundreds to
   * thousands of units wrong, e.g. 345,019 on raw wine features at SGD 0.1) is a numeric blow-up,
   * not a rough start, and the network rarely survives it.
   */
  errorChanceFactor: 1000,
  /** Steps in the robust running level (median). */
  levelWindow: 5,
  /** Steps in the gradient-norm baseline (median). */
  gradWindow: 100,
  /** Gradient-norm blow-up: this many times the baseline. */
  gradFactor: 10,
  /** Steps seen before spikes and blow-ups are judged. */
  minSteps: 10,
  /**
   * The spread of recent batches: a spike, a divergence or a gradient blow-up must exceed
   * `spreadFactor` × this quantile of the previous `spreadWindow` batch values (losses or norms).
   * 0.98, 2 and 100 steps: on bench:timing's imbalanced runs (7% minority in 120 rows; balanced
   * weights on 844:12, where 1 batch in 9 holds a snow day) three heavy batches in five pushed the
   * 5-step median past 2× the 0.9 quantile of the 50 batches before, and once (epoch 43, after
   * the net had memorized most rows) past 2× the 0.98 quantile of 50, never of 100; the explosions
   * there are 10× to 10^6× above the batches before them.
   */
  spreadQuantile: 0.98,
  spreadFactor: 2,
  spreadWindow: 100,
  /**
   * Batches the reference needs before the spread is judged. 20: more than one epoch of the
   * smallest bench tables at batch 8 (15 steps), so it has seen batches with and without the rare
   * class. Until then, on a run whose batches may be heavy (see `heavyBatchRatio`), only the
   * single-step and non-finite checks can fire; on others the level rules apply as they are.
   */
  spreadMinSteps: 20,
  /**
   * Batches may be heavy when the largest class has this many times the rows of the smallest, or
   * the class weights differ by this factor, or the class counts are unknown (a foreign log).
   * 4: every false alarm bench:timing saw came from tables at 13:1 or beyond, while the diverging
   * breast-cancer scenario (1.7:1) keeps its spike at step 14 of epoch 1.
   */
  heavyBatchRatio: 4,
  /**
   * The suggested learning-rate cut. A divergence means the step is past the stability edge; the
   * learning-rate range test (Smith 2017; fastai's "minimum / 10" rule) puts a good rate about one
   * order of magnitude below where the loss blows up.
   */
  learningRateFactor: 10,
  /**
   * A log from another trainer may not say how many classes there are. The checks against chance
   * level then assume this many, the vocabulary of the largest language-model tokenizers (~256k):
   * ln 262144 = 12.5, so a level above 3 × 12.5 = 37 or a step above 1000 × 12.5 = 12,477 is far
   * beyond guessing for any classifier with fewer classes, while a language model's first loss
   * (about ln of its vocabulary) stays below every bound.
   */
  unknownClassesBound: 262_144,
};

/** ln 2: the floor used when the number of classes is unknown (a binary task is the smallest). */
const UNKNOWN_CHANCE = Math.LN2;

export class ExplodingLossDetector implements Detector {
  readonly kind = 'exploding-loss' as const;
  private readonly t: typeof EXPLODING_LOSS_DEFAULTS;
  private readonly losses: { step: number; epoch: number; batch: number; loss: number }[] = [];
  /** The last `spreadWindow + levelWindow` batch losses, for the spread of recent batches. */
  private readonly recentLosses: number[] = [];
  private sawExtremeStep = false;
  private readonly gradNorms: number[] = [];
  private readonly earlyGradNorms: number[] = [];
  private bestLevel = Infinity;
  private everBelowChanceLimit = false;
  private lastFinite: { step: number; loss: number } | null = null;
  private stepsSeen = 0;
  private sawFiniteValidation = false;
  private raisedSeverity: Severity | null = null;
  private raisedReasons = new Set<string>();
  private seenClasses: number | undefined;
  private earlyMedian: number | undefined;
  /** Reused by medianOfLast: no allocation per step. */
  private readonly scratch: number[] = [];
  /** The learning rate the run's readings last carried: the fixes' base when there is no config. */
  private loggedLearningRate: number | undefined;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('exploding-loss', EXPLODING_LOSS_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onStep(s: StepStats): void {
    this.stepsSeen++;
    if (Number.isFinite(s.learningRate)) this.loggedLearningRate = s.learningRate;
    if (!Number.isFinite(s.loss) || !Number.isFinite(s.gradNorm)) {
      this.nonFinite(s.epoch, s.step, s.batch, s.loss, s.gradNorm, s.learningRate);
      return;
    }
    this.lastFinite = { step: s.step, loss: s.loss };
    this.losses.push({ step: s.step, epoch: s.epoch, batch: s.batch, loss: s.loss });
    this.gradNorms.push(s.gradNorm);
    if (this.earlyGradNorms.length < this.t.gradWindow) this.earlyGradNorms.push(s.gradNorm);
    const w = Math.max(1, Math.round(this.t.levelWindow));
    if (this.losses.length > 4 * w) this.losses.splice(0, this.losses.length - 4 * w);
    this.recentLosses.push(s.loss);
    if (this.recentLosses.length > this.spreadWindow() + w) this.recentLosses.splice(0, this.recentLosses.length - this.spreadWindow() - w);
    const gw = Math.max(w + 1, Math.round(this.t.gradWindow) + w, this.spreadWindow() + w);
    if (this.gradNorms.length > gw) this.gradNorms.splice(0, this.gradNorms.length - gw);
    const bound = this.chanceBound();
    const { loss: chance, known } = bound;
    if (s.loss > this.t.extremeChanceFactor * chance) {
      this.sawExtremeStep = true;
      const blownUp = s.loss > this.t.errorChanceFactor * chance;
      this.emit(
        blownUp ? 'error' : 'warning',
        blownUp ? 'blown-up-step' : 'extreme-step',
        s.epoch,
        s.step,
        `Exploding loss: the loss of ${stepWhere(s.step, s.epoch)} was ${fmt(s.loss)}, ${fmt(s.loss / chance, 2)}× ${this.describeChance(bound)}: ` +
          `the correct class's logit trails the largest by about ${fmt(s.loss)} units. This comes from unscaled inputs or a learning rate far too high; such a step can also kill ReLU units for good. ` +
          `Try standardized inputs, a learning rate ${fmt(this.t.learningRateFactor)}× lower, or gradient clipping.`,
        { onsetEpoch: s.epoch, onsetStep: s.step, batch: s.batch, loss: s.loss, ...(known ? { chanceLoss: chance, ratioToChance: s.loss / chance } : { chanceLoss: null, assumedChanceLoss: chance }) },
      );
    }
    if (this.losses.length < w) return;
    const level = medianOfLast(this.losses, w, this.scratch, (r) => r.loss);
    this.judge(level, this.losses.slice(-w), s, w);
    this.bestLevel = Math.min(this.bestLevel, level);
    this.judgeGradients(s, w);
  }

  onEpoch(event: EpochInput): void {
    const m: EpochMetrics = event.metrics;
    if (Number.isFinite(m.learningRate)) this.loggedLearningRate = m.learningRate;
    if (event.validation && this.seenClasses === undefined) this.seenClasses = event.validation.classes;
    if (this.stepsSeen > 0) {
      // Steps already judged the training loss; a non-finite validation loss is still news.
      if (this.validationBroke(event) && Number.isFinite(m.trainLoss)) this.nonFiniteValidation(m);
      return;
    }
    if (!recorded(m, 'trainLoss')) {
      // A log without a training loss for this epoch: only its validation loss can be judged.
      if (this.validationBroke(event)) this.nonFiniteValidation(m);
      return;
    }
    if (!Number.isFinite(m.trainLoss)) {
      this.nonFinite(m.epoch, undefined, undefined, m.trainLoss, m.gradNorm, m.learningRate);
      return;
    }
    if (this.validationBroke(event)) this.nonFiniteValidation(m);
    const fake = { step: m.epoch, epoch: m.epoch, batch: 0, loss: m.trainLoss };
    this.judge(m.trainLoss, [fake], undefined, 1);
    this.bestLevel = Math.min(this.bestLevel, m.trainLoss);
  }

  /**
   * A non-finite validation loss counts only where there is a validation set: outputs with rows, or
   * (a log with epochs only) an earlier finite validation loss. An empty split's NaN is no explosion.
   */
  private validationBroke(event: EpochInput): boolean {
    const m = event.metrics;
    if (!recorded(m, 'valLoss')) return false;
    const hadFinite = this.sawFiniteValidation;
    if (Number.isFinite(m.valLoss)) this.sawFiniteValidation = true;
    if (Number.isFinite(m.valLoss)) return false;
    return event.validation ? event.validation.rows > 0 : hadFinite;
  }

  private spreadWindow(): number {
    return Math.max(1, Math.round(this.t.spreadWindow));
  }

  /**
   * The bound a level must pass to stand out of the recent batches: `spreadFactor` × the
   * `spreadQuantile` quantile of the values before the level's own `w`. Null while fewer than
   * `spreadMinSteps` such values exist (the spread is not known yet).
   */
  private spreadBound(values: readonly number[], w: number): number | null {
    const reference = values.slice(Math.max(0, values.length - w - this.spreadWindow()), values.length - w);
    if (reference.length < Math.max(1, this.t.spreadMinSteps)) return null;
    return this.t.spreadFactor * quantile(reference, this.t.spreadQuantile);
  }

  /** Whether some minibatches may weigh many times others (`heavyBatchRatio`). */
  private mayHaveHeavyBatches(): boolean {
    const ctx = this.env.ctx;
    const counts = ctx.trainClassCounts?.filter((c) => c > 0);
    if (!counts || counts.length < 2) return true;
    const ratio = this.t.heavyBatchRatio;
    if (Math.max(...counts) >= ratio * Math.min(...counts)) return true;
    const weights = ctx.config?.loss.classWeights;
    if (weights === undefined || weights === 'none') return false;
    if (weights === 'balanced') return false; // balanced weights on a table under the ratio stay under it
    const given = Object.values(weights).filter((v) => v > 0);
    return given.length >= 2 && Math.max(...given) >= ratio * Math.min(...given);
  }

  private chance(): number | undefined {
    return chanceLevel(this.env.ctx, this.seenClasses);
  }

  /** ln C, or (the number of classes unknown) the bound `unknownClassesBound` stands for. Per step: no text here. */
  private chanceBound(): { readonly loss: number; readonly known: boolean } {
    const chance = this.chance();
    return chance !== undefined ? { loss: chance, known: true } : { loss: Math.log(this.assumedClasses()), known: false };
  }

  private assumedClasses(): number {
    return Math.max(2, Math.round(this.t.unknownClassesBound));
  }

  /** How a message names that level (only built when a flag is raised). */
  private describeChance(bound: { readonly loss: number; readonly known: boolean }): string {
    return bound.known
      ? `the ${fmt(bound.loss)} of guessing uniformly (ln ${Math.round(Math.exp(bound.loss))})`
      : `${fmt(bound.loss)}, above the starting loss of any classifier (this log does not say how many classes it has; ${fmt(bound.loss)} is ln ${this.assumedClasses().toLocaleString('en-US')}, the loss of guessing among even the largest language-model vocabularies)`;
  }

  private fixes(extraClip?: number): Fix[] {
    const ctx = this.env.ctx;
    const clip = ctx.config?.training.gradientClip ?? null;
    const baseNorm = this.gradNorms.length ? median(this.gradNorms) : NaN;
    const clipAt = extraClip ?? (Number.isFinite(baseNorm) && baseNorm > 0 ? 5 * baseNorm : 1);
    return compact([
      lowerLearningRate(ctx, this.t.learningRateFactor, 'a good rate sits about 10× below where the loss diverges', this.loggedLearningRate),
      clip === null ? clipGradients(clipAt) : null,
      standardizeInputs(ctx),
    ]);
  }

  private emit(severity: Severity, reason: string, epoch: number, step: number | undefined, message: string, evidence: Record<string, unknown>): void {
    if (this.raisedReasons.has(reason)) return;
    if (this.raisedSeverity === 'error' || (this.raisedSeverity === 'warning' && severity !== 'error')) return;
    this.raisedReasons.add(reason);
    this.raisedSeverity = severity;
    this.env.raise({
      kind: 'exploding-loss',
      severity,
      epoch,
      ...(step !== undefined ? { step } : {}),
      message,
      evidence: { reason, ...evidence },
      fix: this.fixes(),
    });
  }

  private nonFinite(epoch: number, step: number | undefined, batch: number | undefined, loss: number, gradNorm: number, lr: number): void {
    const what = !Number.isFinite(loss) ? `The training loss became ${String(loss)}` : `The gradient norm became ${String(gradNorm)}`;
    const where = step !== undefined ? `at ${stepWhere(step, epoch)}` : `in epoch ${epoch}`;
    const last = this.lastFinite ? ` The last finite loss was ${fmt(this.lastFinite.loss)} at step ${this.lastFinite.step}.` : '';
    this.emit(
      'error',
      'non-finite',
      epoch,
      step,
      `Exploding loss: ${what} ${where}.${last} The weights are now garbage and training cannot recover from this. ` +
        `Try a learning rate 10× lower${Number.isFinite(lr) ? ` (now ${fmt(lr)})` : ''}, gradient clipping, or standardized inputs.`,
      {
        onsetEpoch: epoch,
        onsetStep: step ?? null,
        batch: batch ?? null,
        loss: Number.isFinite(loss) ? loss : String(loss),
        gradNorm: Number.isFinite(gradNorm) ? gradNorm : String(gradNorm),
        lastFiniteLoss: this.lastFinite?.loss ?? null,
        lastFiniteStep: this.lastFinite?.step ?? null,
        learningRate: Number.isFinite(lr) ? lr : null,
      },
    );
  }

  private nonFiniteValidation(m: EpochMetrics): void {
    this.emit(
      'error',
      'non-finite-validation',
      m.epoch,
      undefined,
      `Exploding loss: the validation loss became ${String(m.valLoss)} after epoch ${m.epoch} (training loss ${fmt(m.trainLoss)}): ` +
        `the weights or logits have overflowed, so the model now gives some validation rows probability 0 for their class. Try a learning rate 10× lower or gradient clipping.`,
      { onsetEpoch: m.epoch, valLoss: String(m.valLoss), trainLoss: m.trainLoss, learningRate: m.learningRate },
    );
  }

  private judge(level: number, recent: readonly { step: number; epoch: number; batch: number; loss: number }[], s: StepStats | undefined, w: number): void {
    const t = this.t;
    const chance = this.chance();
    const chanceOrFloor = chance ?? UNKNOWN_CHANCE;
    const bound = this.chanceBound();
    const enough = s === undefined ? this.bestLevel < Infinity : this.stepsSeen >= t.minSteps;
    const now = recent[recent.length - 1]!;
    const unit = s === undefined ? 'epoch' : 'step';
    const at = s === undefined ? `at epoch ${now.epoch}` : `at ${stepWhere(now.step, now.epoch)}`;
    const levelName = s === undefined ? 'training loss' : `loss (median of the last ${w} steps)`;
    // Per step, a rise counts only past the spread of the recent batches (see the file comment);
    // an epoch mean already averages the batches. The spread costs a sort of the recent batches, so
    // it is measured only for a level the cheaper tests already single out (linear cost per step).
    let spread: number | null | undefined;
    const spreadOf = (): number | null => (spread === undefined ? (spread = s === undefined ? null : this.spreadBound(this.recentLosses, w)) : spread);
    const outOfSpread = (): boolean => s === undefined || this.sawExtremeStep || (spreadOf() === null ? !this.mayHaveHeavyBatches() : level > spreadOf()!);

    if (level > t.chanceFactor * bound.loss && (s === undefined || this.stepsSeen >= w) && (!this.everBelowChanceLimit || outOfSpread())) {
      const diverged = this.everBelowChanceLimit;
      this.emit(
        diverged ? 'error' : 'warning',
        diverged ? 'far-above-chance' : 'started-above-chance',
        now.epoch,
        s?.step,
        diverged
          ? `Exploding loss: the ${levelName} climbed to ${fmt(level)} ${at}, ${fmt(level / bound.loss, 2)}× ${this.describeChance(bound)}, after having been as low as ${fmt(this.bestLevel)}. ` +
            `The model is now confidently wrong: the learning rate is too high for this loss surface. A rate ${fmt(t.learningRateFactor)}× lower is where the range test (Smith 2017) usually finds stable training.`
          : `The ${levelName} is ${fmt(level)} ${at}, ${fmt(level / bound.loss, 2)}× ${this.describeChance(bound)}: the model starts out confidently wrong. ` +
            `This usually means unscaled inputs (standardize them) or a learning rate that overshoots from the first steps.`,
        {
          onsetEpoch: recent[0]!.epoch,
          onsetStep: s ? recent[0]!.step : null,
          level,
          chanceLoss: chance ?? null,
          ...(bound.known ? { ratioToChance: level / bound.loss } : { assumedChanceLoss: bound.loss }),
          bestLevel: Number.isFinite(this.bestLevel) ? this.bestLevel : null,
          ...(spreadOf() !== null ? { spreadBound: spreadOf() } : {}),
        },
      );
    }
    if (level <= t.chanceFactor * bound.loss) this.everBelowChanceLimit = true;

    if (enough && Number.isFinite(this.bestLevel) && level > t.spikeFactor * this.bestLevel && level - this.bestLevel > t.spikeMinChance * chanceOrFloor && outOfSpread()) {
      const spreadBound = spreadOf();
      const threshold = t.spikeFactor * this.bestLevel;
      const onset = recent.find((r) => r.loss > threshold) ?? now;
      this.emit(
        'warning',
        'spike',
        now.epoch,
        s?.step,
        `Exploding loss: the ${levelName} jumped to ${fmt(level)} ${at}, ${fmt(level / this.bestLevel, 2)}× the best level ${fmt(this.bestLevel)} reached so far ` +
          `(fastai's lr_find treats 4× as divergence)${spreadBound !== null ? ` and ${fmt(level / (spreadBound / t.spreadFactor), 2)}× the ${fmt(100 * t.spreadQuantile)}th percentile of the ${this.spreadWindow()} batches before` : ''}. It started rising at ${unit} ${s ? onset.step : onset.epoch}. ` +
          `Try a learning rate ${fmt(t.learningRateFactor)}× lower (a good rate sits about an order of magnitude below the divergence point, Smith 2017) or gradient clipping.`,
        { onsetEpoch: onset.epoch, onsetStep: s ? onset.step : null, batch: s ? onset.batch : null, level, bestLevel: this.bestLevel, ratio: level / this.bestLevel, chanceLoss: chance ?? null, ...(spreadBound !== null ? { spreadBound } : {}) },
      );
    }
  }

  /** The median of the run's first `gradWindow` norms, computed once they are all in. */
  private earlyGradMedian(): number {
    if (this.earlyMedian !== undefined) return this.earlyMedian;
    const value = this.earlyGradNorms.length ? median(this.earlyGradNorms) : 0;
    if (this.earlyGradNorms.length >= this.t.gradWindow) this.earlyMedian = value;
    return value;
  }

  private judgeGradients(s: StepStats, w: number): void {
    const t = this.t;
    const g = this.gradNorms;
    if (g.length < w + Math.min(20, Math.round(t.gradWindow)) || this.stepsSeen < t.minSteps) return;
    const level = medianOfLast(g, w, this.scratch, (v) => v);
    // Against the larger of the recent median and the run's early median: late in training, norms
    // shrink with the loss, and a few hard batches would otherwise look like a 10× blow-up.
    // The early median is known and cheap: only a level past it needs the recent one (a sort).
    if (!(level > t.gradFactor * this.earlyGradMedian())) return;
    const baseline = Math.max(median(g.slice(0, -w)), this.earlyGradMedian());
    if (!(baseline > 0) || !(level > t.gradFactor * baseline)) return;
    const spread = this.spreadBound(g, w);
    if (spread === null || !(level > spread)) return;
    this.emit(
      'warning',
      'gradient-blow-up',
      s.epoch,
      s.step,
      `Exploding gradients: the gradient norm (median of the last ${w} steps) is ${fmt(level)} at step ${s.step} (epoch ${s.epoch}), ` +
        `${fmt(level / baseline, 2)}× its recent median ${fmt(baseline)}. The loss may follow. Clip gradients near the usual norm or lower the learning rate.`,
      { onsetEpoch: s.epoch, onsetStep: s.step - w + 1, gradNorm: level, baselineGradNorm: baseline, ratio: level / baseline, spreadBound: spread },
    );
  }
}
