/**
 * Overfitting: validation loss rising past its minimum while training loss keeps falling, judged
 * as sequential change detection with a controlled false-alarm rate.
 *
 * On the log of the validation loss (a rise is relative; multiplicative jitter becomes additive):
 * - noise σ: the curve's own epoch-to-epoch jitter, estimated robustly from the first epoch on by
 *   the spread of its second differences about their median (a straight trend cancels in each
 *   difference, and a bend the curve keeps for several epochs, such as the fast fall of its first
 *   epochs, shifts them all alike and so is not taken as noise; stats.ts). Taken about 0 instead,
 *   as before, the first epochs' fall inflated σ on the bench's curves whose minimum comes at
 *   epochs 1-5 (most of them), and the test waited for later epochs to dilute it. The difference
 *   centred at the minimum is left out when it would raise the estimate (the bend of a V is the
 *   change being tested, not noise); a σ from few differences is often too low (the false alarms
 *   on flat synthetic curves came in their first epochs), so it is widened by a factor
 *   1 + `noiseSmallSample` / √(differences); floored at `noiseFloor`;
 * - the statistic is a one-sided CUSUM of the rise (Page 1954; with no drift allowance it is the
 *   rise from the lowest reference): S = max over epochs s since the minimum of
 *   (level now - level at s) / σ - `driftSigmas` · (now - s), where "level now" is the
 *   second-lowest of the last `levelEpochs` epochs (3 of the last 4 must be up: one low epoch
 *   does not reset the evidence, one high one never fires) and "level at s" the median of the 3
 *   epochs around s (the raw minimum of a noisy curve sits about 2σ below it by selection alone);
 * - a warning when S ≥ h(d) = `noiseSigmas` + `thresholdGrowth` · ln(d / `minEpochsSinceBest`),
 *   d epochs after the minimum (at least `minEpochsSinceBest`), and the rise is at least
 *   `generalizationLossAlpha` % (Prechelt's GL, 1998, as a floor of practical size). The boundary
 *   widens with the number of looks, as in alpha spending: a fixed h checked every epoch of a long
 *   flat run is crossed sooner or later;
 * - or, second test, when the minimum was one low epoch the curve never came back to: the median
 *   of the (at least `dipMinEpochs`) epochs since the minimum is `dipSigmas` σ above the minimum
 *   itself. The level test above compares with the median of the 3 epochs around the minimum
 *   and so cannot see such a dip (on the bench, validation loss 80% above a single low epoch for
 *   40 epochs); the raw minimum of a flat noisy curve sits 2-3σ below its median by selection alone,
 *   so this bar is set far higher (8σ). Two tests looked at each epoch: the
 *   warning is raised when either passes its own bar (a Bonferroni-style max: each bar was set so
 *   that both together keep the flat-curve false alarms of the level test alone);
 * - escalated to an error once confirmed: S ≥ `confirmSigmas` and the median of the last
 *   `stripLength` epochs ≥ `errorGeneralizationLoss` % above the minimum.
 * The onset is the epoch of the validation-loss minimum; the evidence states the delay (raise
 * epoch - onset), the test and the threshold it crossed. With early stopping restoring the best
 * epoch the delivered model is the best one, so the same two levels are info and warning.
 * Guo et al. 2017 (Fig. 3): validation loss (NLL) can rise while validation accuracy still improves
 * ("confidence overfitting"): the net grows overconfident on the rows it gets wrong. Said explicitly.
 */
import { type EpochMetrics, type Severity, severityRank } from '../model';
import { compact, earlyStopping, fewerUnits, moreDropout, moreL2, stopAtEpoch } from './fixes';
import { brokenRun } from './runContext';
import { centredSecondDifferenceNoise, fmt, mean, median, pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const OVERFITTING_DEFAULTS = {
  /**
   * The warning also needs the recent level this many % above the minimum: Prechelt 1998's
   * generalization loss GL_α as a floor of practical size (he studies α = 1..5). 3: the healthy
   * runs of `npm run bench:timing` end within 3% of their minimum.
   */
  generalizationLossAlpha: 3,
  /**
   * The CUSUM threshold h at `minEpochsSinceBest` epochs after the minimum, in noise sigmas. 3.25
   * with `thresholdGrowth` 0.5 and the noise of `noiseSmallSample`: no false alarm on the 23 healthy
   * real runs of `npm run bench:timing`, 2 of the 150 synthetic converged curves with 2-15% Gaussian
   * jitter, 12 of 400 flat 150-epoch curves with falling training loss
   * (test/unit/diagnostics/overfitting.test.ts); with the noise taken about 0 (before), 0 and 13
   * (README, "How soon, and how often for nothing").
   */
  noiseSigmas: 3.25,
  /**
   * How fast h widens with the epochs d since the minimum, in sigmas per e-fold of d: the test looks
   * again every epoch, so a fixed h is crossed on a long flat run sooner or later (a fixed 3.5σ on
   * 33 of those 400 curves, a fixed 3.25σ on 48). The price is paid on late rises: a fixed 3.25σ
   * had a worst bench delay of 24 epochs instead of 31, but 7 false alarms on the 150.
   */
  thresholdGrowth: 0.5,
  /**
   * The CUSUM's drift allowance k per epoch, in sigmas (Page 1954). 0: the level is compared with
   * the minimum's at once; 0.25 and 0.5 each doubled the worst delay on the bench's curves.
   */
  driftSigmas: 0,
  /**
   * Widening of σ for the few differences of a short curve: σ · (1 + `noiseSmallSample` / √k), k
   * second differences. 0.3 (with `noiseSigmas` 3.25): 12 of the 400 flat 150-epoch curves raise
   * a warning, 2 of the 150 converged ones; 0 gave 16 and 3 (README, "How soon, and how often for nothing").
   */
  noiseSmallSample: 0.3,
  /**
   * The second test's bar, in σ: the median of the epochs since the minimum this far above the
   * minimum itself. 8: no more false alarms on the flat and converged synthetic curves than the
   * level test alone (12 of 400, 2 of 150); 5 gave 20 and 7. Without this test the worst bench
   * delay was 40 epochs (a 7%-minority run whose validation loss sat 80% above one low epoch).
   */
  dipSigmas: 8,
  /** The second test needs at least this many epochs since the minimum (its median is then of 6+ epochs). */
  dipMinEpochs: 6,
  /** The error ("confirmed") threshold on the same statistic: twice the first warning's evidence. */
  confirmSigmas: 7,
  /**
   * Epochs in the current level: its second-lowest value is used (`levelLowEpochs` of them may be
   * low). Requiring all of the last 3 up, with the same h, put the median bench delay at 6 epochs
   * instead of 5 (with the noise about 0, as before, the worst at 40).
   */
  levelEpochs: 4,
  /** How many of the last `levelEpochs` epochs may be below the level (1: 3 of the last 4 must be up). */
  levelLowEpochs: 1,
  /** Floor on σ (log units, i.e. 0.3% of the loss): a curve that is smooth for a while is never taken as noiseless. */
  noiseFloor: 0.003,
  /** Prechelt 1998: strips of k = 5 epochs (the error's median and the accuracy comparison). */
  stripLength: 5,
  /** The minimum must be at least this many epochs old (the first uptick is not evidence). */
  minEpochsSinceBest: 3,
  /** Error once the median of the last strip is this many % above the minimum (and the rise is confirmed). */
  errorGeneralizationLoss: 20,
};

/** What the test says about the curve so far. */
interface RiseTest {
  /** Which test raised it: the level (CUSUM) test, or the dip test (the median since the minimum against the minimum itself). */
  readonly fired: 'level' | 'dip' | null;
  /** The CUSUM (level) statistic, in sigmas. */
  readonly statistic: number;
  /** The dip test's statistic, in sigmas (NaN before `dipMinEpochs` epochs since the minimum). */
  readonly dip: number;
  /** The warning threshold h(d) at this epoch, in sigmas. */
  readonly threshold: number;
  readonly noise: number;
  readonly rise: number;
  /** Epochs in the level window, and how many of them must be up. */
  readonly window: number;
  readonly up: number;
}

/** What `evaluate` measured on the curve, for the flag that reports it. */
interface Judgement {
  readonly best: EpochPoint;
  readonly now: EpochPoint;
  readonly strip: readonly EpochPoint[];
  readonly k: number;
  readonly gl: number;
  readonly stripVal: number;
  readonly test: RiseTest;
  readonly confirmed: boolean;
  readonly progress: number;
  readonly severity: Severity;
  readonly protectedRun: boolean;
}

interface EpochPoint {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
}

export class OverfittingDetector implements Detector {
  readonly kind = 'overfitting' as const;
  private readonly t: typeof OVERFITTING_DEFAULTS;
  private readonly points: EpochPoint[] = [];
  private raisedSeverity: Severity | null = null;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('overfitting', OVERFITTING_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onEpoch(event: EpochInput): void {
    const m: EpochMetrics = event.metrics;
    if (!Number.isFinite(m.valLoss) || !Number.isFinite(m.trainLoss)) return;
    this.points.push({ epoch: m.epoch, trainLoss: m.trainLoss, valLoss: m.valLoss, valAccuracy: m.valAccuracy });
    if (brokenRun(this.env, m, event.validation?.classes)) return;
    this.evaluate();
  }

  /** The report describes the end of the run: the rise as it finally stands (raise epoch kept). */
  finish(): void {
    if (this.raisedSeverity === null || this.points.length === 0) return;
    if (this.evaluate(true)) return;
    // The end no longer shows it (the validation loss came back down): keep it as info.
    const best = this.points.reduce((b, p) => (p.valLoss < b.valLoss ? p : b));
    const last = this.points[this.points.length - 1]!;
    this.env.resolve('overfitting', `By the end the validation loss was back to ${fmt(last.valLoss)} (lowest ${fmt(best.valLoss)} at epoch ${best.epoch}), within noise of its best. Earlier:`, {
      finalValLoss: last.valLoss,
    });
  }

  /** Judges the curve so far; true when it (still) shows overfitting. */
  private evaluate(final = false): boolean {
    const t = this.t;
    const k = Math.max(1, Math.round(t.stripLength));
    const pts = this.points;
    if (pts.length < 3) return false;
    let bestIdx = 0;
    for (let i = 1; i < pts.length; i++) if (pts[i]!.valLoss < pts[bestIdx]!.valLoss) bestIdx = i;
    const best = pts[bestIdx]!;
    const now = pts[pts.length - 1]!;
    const epochsSinceBest = now.epoch - best.epoch;
    if (epochsSinceBest < t.minEpochsSinceBest || !(best.valLoss > 0)) return false;

    const test = this.riseTest(bestIdx);
    const confirmed = test.statistic >= t.confirmSigmas;
    if (test.fired === null || !(100 * test.rise >= t.generalizationLossAlpha)) return false;

    const strip = pts.slice(-k);
    const stripVal = median(strip.map((p) => p.valLoss));
    const gl = 100 * (stripVal / best.valLoss - 1);
    const stripTrain = strip.map((p) => p.trainLoss);
    const minTrain = Math.min(...stripTrain);
    const progress = minTrain > 0 ? 1000 * (mean(stripTrain) / minTrain - 1) : 0;

    // With early stopping restoring the best weights, the model the run hands over is not the
    // overfit one: say so at `info`, and only warn once the rise is confirmed and large (the run
    // wastes its epochs and the patience may be too long).
    const es = this.env.ctx.config?.training.earlyStopping;
    const protectedRun = es !== undefined && es !== false && es.restoreBest;
    const large = confirmed && gl >= t.errorGeneralizationLoss;
    const severity: Severity = protectedRun ? (large ? 'warning' : 'info') : large ? 'error' : 'warning';
    if (!final && this.raisedSeverity !== null && severityRank(severity) <= severityRank(this.raisedSeverity)) return true;
    if (this.raisedSeverity === null || severityRank(severity) > severityRank(this.raisedSeverity)) this.raisedSeverity = severity;

    this.emit({ best, now, strip, k, gl, stripVal, test, confirmed, progress, severity, protectedRun }, final);
    return true;
  }

  /** The flag for a judged curve: its message, evidence and fixes. */
  private emit(j: Judgement, final: boolean): void {
    const { best, now, strip, k, gl, stripVal, test, confirmed, progress, severity, protectedRun } = j;
    const t = this.t;
    // The detection delay is the first raise's: an escalation or the end-of-run refresh keeps it.
    const first = this.env.raised('overfitting');
    const raisedAt = first?.epoch ?? now.epoch;
    const delay = typeof first?.evidence['delayEpochs'] === 'number' ? first.evidence['delayEpochs'] : now.epoch - best.epoch;
    const accAtBest = best.valAccuracy;
    const accNow = mean(strip.map((p) => p.valAccuracy));
    const accuracyKnown = Number.isFinite(accAtBest) && Number.isFinite(accNow);
    const confidenceOverfitting = accuracyKnown && accNow >= accAtBest;
    const gapNow = now.valLoss - now.trainLoss;
    const gapAtBest = best.valLoss - best.trainLoss;
    // The test named is the one that passed its bar now (the confirmation is the level test's).
    const byDip = !confirmed && test.fired === 'dip';
    const testName = byDip
      ? `dip test: median of the log validation loss over the ${now.epoch - best.epoch} epochs since its minimum against the minimum itself, in units of its noise (bar ${fmt(t.dipSigmas)}σ, at least ${fmt(t.dipMinEpochs)} epochs)`
      : `one-sided CUSUM of the log validation loss since its minimum, in units of its noise (h = ${fmt(t.noiseSigmas)}σ + ${fmt(t.thresholdGrowth)}σ · ln(epochs since the minimum / ${fmt(t.minEpochsSinceBest)}), ` +
        `k = ${fmt(t.driftSigmas)}σ; level: ${test.up} of the last ${test.window} epochs)`;
    const threshold = confirmed ? t.confirmSigmas : byDip ? t.dipSigmas : test.threshold;
    const evidenceLine = byDip
      ? `The median of the ${now.epoch - best.epoch} epochs since the minimum is ${fmt(test.dip, 2)}× the curve's epoch-to-epoch noise (${pct(test.noise, 1)}) above the minimum itself (one low epoch the curve never came back to), `
      : `${test.up} of the last ${test.window} epochs are ${fmt(test.statistic, 2)}× the curve's epoch-to-epoch noise (${pct(test.noise, 1)}) above the level at the minimum, `;

    const ctx = this.env.ctx;
    const parts = [
      `Overfitting since epoch ${best.epoch}: validation loss has risen from its minimum ${fmt(best.valLoss)} (epoch ${best.epoch}) to ${fmt(now.valLoss)} at epoch ${now.epoch}` +
        ` (median of the last ${k} epochs ${fmt(gl, 2)}% above the minimum), while training loss went from ${fmt(best.trainLoss)} to ${fmt(now.trainLoss)}.`,
      `Generalization gap (validation − training loss): ${fmt(gapAtBest)} at the best epoch, ${fmt(gapNow)} now.`,
      evidenceLine +
        `past the ${fmt(threshold, 2)}σ a jittering curve would not reach: ${confirmed ? 'confirmed' : 'first evidence'}. First raised at epoch ${raisedAt}, ${delay} epoch${delay === 1 ? '' : 's'} after the minimum.`,
    ];
    if (confidenceOverfitting) {
      parts.push(
        `Validation accuracy has NOT dropped (${pct(accAtBest)} at epoch ${best.epoch}, ${pct(accNow)} over the last ${k} epochs): this is "confidence overfitting" (Guo et al. 2017) — ` +
          'the model still ranks classes as well but grows overconfident on the rows it gets wrong, so loss and calibration get worse first and accuracy follows later.',
      );
    }
    if (protectedRun) parts.push(`Early stopping is on and restores the weights of the best epoch, so the saved model is not the overfit one.`);
    parts.push('Try: stop at the best epoch (early stopping), L2 regularization, dropout, fewer hidden units, or more training data.');

    (final ? this.env.refresh : this.env.raise)({
      kind: 'overfitting',
      severity,
      epoch: now.epoch,
      message: parts.join(' '),
      evidence: {
        onsetEpoch: best.epoch,
        bestEpoch: best.epoch,
        delayEpochs: delay,
        test: testName,
        criterion: [byDip ? `dip ${fmt(threshold, 2)}σ` : `CUSUM ${fmt(threshold, 2)}σ`],
        testFired: byDip ? 'dip' : 'level',
        cusum: test.statistic,
        dipStatistic: Number.isFinite(test.dip) ? test.dip : null,
        thresholdSigmas: test.threshold,
        confirmed,
        bestValLoss: best.valLoss,
        currentValLoss: now.valLoss,
        stripMedianValLoss: stripVal,
        generalizationLoss: gl,
        riseOfLevel: test.rise,
        generalizationGap: gapNow,
        generalizationGapAtBest: gapAtBest,
        trainingProgress: progress,
        noiseSigma: test.noise,
        valAccuracyAtBest: accuracyKnown ? accAtBest : null,
        valAccuracyNow: accuracyKnown ? accNow : null,
        confidenceOverfitting,
      },
      // Early stopping first: it is the remedy an engineer reaches for, and it keeps working when the
      // data, the seed or the model change, where a fixed epoch count only fits this one curve.
      fix: compact([earlyStopping(ctx), stopAtEpoch(best.epoch), moreL2(ctx), moreDropout(ctx), fewerUnits(ctx)]),
    });
  }

  /**
   * The CUSUM statistic of the rise since the minimum at `bestIdx` (see the file comment), the
   * threshold it is held to now, its noise σ and the relative rise of the current level over the minimum.
   */
  private riseTest(bestIdx: number): RiseTest {
    const t = this.t;
    const x = this.points.map((p) => Math.log(Math.max(p.valLoss, Number.MIN_VALUE)));
    const n = x.length;
    const window = Math.max(1, Math.round(t.levelEpochs));
    const low = Math.min(window - 1, Math.max(0, Math.round(t.levelLowEpochs)));
    const up = window - low;
    const all = centredSecondDifferenceNoise(x);
    const skip = centredSecondDifferenceNoise(x, bestIdx);
    const raw = Math.min(all.sigma, skip.sigma) || 0;
    const noise = Math.max(t.noiseFloor, raw * (1 + Math.max(0, t.noiseSmallSample) / Math.sqrt(Math.max(1, skip.count))));
    const level = [...x.slice(-window)].sort((a, b) => a - b)[Math.min(low, Math.min(window, n) - 1)]!;
    const around = (s: number) => median(x.slice(Math.max(0, s - 1), s + 2));
    let statistic = 0;
    // The reference epoch precedes the `up` epochs that must be above it.
    for (let s = bestIdx; s <= n - 1 - up; s++) statistic = Math.max(statistic, (level - around(s)) / noise - t.driftSigmas * (n - 1 - s));
    const since = n - 1 - bestIdx;
    const base = Math.max(1, t.minEpochsSinceBest);
    const threshold = t.noiseSigmas + t.thresholdGrowth * Math.log(Math.max(1, since / base));
    // The dip test: the median of the epochs since the minimum against the minimum itself.
    const dip = since >= Math.max(1, t.dipMinEpochs) ? (median(x.slice(bestIdx + 1)) - x[bestIdx]!) / noise : NaN;
    const fired = statistic >= threshold ? 'level' : dip >= t.dipSigmas ? 'dip' : null;
    return { fired, statistic, dip, threshold, noise, rise: Math.exp(level - x[bestIdx]!) - 1, window, up };
  }
}
