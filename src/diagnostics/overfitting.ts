/**
 * Overfitting: validation loss rising past its minimum while training loss keeps falling.
 *
 * Prechelt, "Early Stopping — But When?" (1998), with E the validation loss, E_opt(t) its minimum so far:
 * - GL_α: generalization loss GL(t) = 100 · (E(t) / E_opt(t) - 1) > α.
 * - PQ_α: GL(t) / P_k(t) > α, where the training progress over a strip of k epochs is
 *   P_k(t) = 1000 · (Σ_{strip} E_tr / (k · min_{strip} E_tr) - 1): a rise weighs more once training stalls.
 * - UP_s: the validation loss went up in s successive strips of k epochs.
 * Prechelt takes E(t) at one epoch; here E(t) is the median of the last strip (k = 5), so one noisy
 * epoch neither fires nor hides a rise. Any criterion must ALSO clear a noise gate: the current
 * strip median must exceed the lowest strip median so far by `noiseSigmas` times the curve's
 * epoch-to-epoch noise (robust spread of its residuals from its neighbours' median), and the
 * minimum must be `minEpochsSinceBest` epochs old.
 *
 * The onset is the epoch of the validation-loss minimum. Severity grows with the rise: warning,
 * then error at GL ≥ `errorGeneralizationLoss`. With early stopping restoring the best epoch the
 * delivered model is the best one, so the same two levels are info and warning.
 * Guo et al. 2017 (Fig. 3): validation loss (NLL) can rise while validation accuracy still improves
 * ("confidence overfitting"): the net grows overconfident on the rows it gets wrong. Said explicitly.
 */
import { type EpochMetrics, type Severity, severityRank } from '../model';
import { compact, earlyStopping, fewerUnits, moreDropout, moreL2, stopAtEpoch } from './fixes';
import { brokenRun } from './runContext';
import { curveNoise, fmt, mean, median, pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const OVERFITTING_DEFAULTS = {
  /** Prechelt 1998 GL_α; he studies α = 1..5. 5 = "GL5". */
  generalizationLossAlpha: 5,
  /** Prechelt 1998 PQ_α; he studies α = 0.5..3. */
  progressQuotientAlpha: 1,
  /** Prechelt 1998 UP_s; he studies s = 2..4. */
  upStrips: 2,
  /** Prechelt 1998: strips of k = 5 epochs. */
  stripLength: 5,
  /** PQ and UP also need GL above this (%), so a flat curve's wiggle never counts. */
  minGeneralizationLoss: 2,
  /** The rise must exceed this many epoch-to-epoch noise sigmas. 3.5: on 60-epoch flat curves with Gaussian jitter (2-15%) it false-alarms in ~0.3% of runs, 3 in ~2% (measured, see test/unit/diagnostics). */
  noiseSigmas: 3.5,
  /** The minimum must be at least this many epochs old (the first uptick is not evidence). */
  minEpochsSinceBest: 3,
  /** Error once the validation loss is this many % above its minimum. */
  errorGeneralizationLoss: 20,
};

type Criterion = 'GL' | 'PQ' | 'UP';

interface EpochPoint {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
}

/** What `evaluate` measured on the curve, for the flag that reports it. */
interface Judgement {
  readonly best: EpochPoint;
  readonly now: EpochPoint;
  readonly strip: readonly EpochPoint[];
  readonly k: number;
  readonly gl: number;
  readonly stripVal: number;
  readonly noise: number;
  readonly noiseRatio: number;
  readonly progress: number;
  readonly pq: number;
  readonly fired: readonly Criterion[];
  readonly severity: Severity;
  readonly protectedRun: boolean;
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
    if (pts.length < k) return false;
    let bestIdx = 0;
    for (let i = 1; i < pts.length; i++) if (pts[i]!.valLoss < pts[bestIdx]!.valLoss) bestIdx = i;
    const best = pts[bestIdx]!;
    const now = pts[pts.length - 1]!;
    const epochsSinceBest = now.epoch - best.epoch;
    if (epochsSinceBest < t.minEpochsSinceBest || !(best.valLoss > 0)) return false;

    const strip = pts.slice(-k);
    const stripVal = median(strip.map((p) => p.valLoss));
    const gl = 100 * (stripVal / best.valLoss - 1);
    const noise = curveNoise(pts.map((p) => p.valLoss));
    // The gate compares strip medians (current vs the lowest so far), not the raw minimum: the
    // minimum of many noisy epochs sits about σ·sqrt(2 ln n) below the curve by chance alone.
    // Leading strips may be shorter (≥ 3 epochs), so a minimum in the first epochs is seen too.
    let bestStrip = Infinity;
    for (let end = Math.min(3, k); end <= pts.length; end++) bestStrip = Math.min(bestStrip, median(pts.slice(Math.max(0, end - k), end).map((p) => p.valLoss)));
    const rise = stripVal - bestStrip;
    const noiseRatio = noise > 0 ? rise / noise : Infinity;
    if (!(rise > t.noiseSigmas * (Number.isFinite(noise) ? noise : 0))) return false;

    const stripTrain = strip.map((p) => p.trainLoss);
    const minTrain = Math.min(...stripTrain);
    const progress = minTrain > 0 ? 1000 * (mean(stripTrain) / minTrain - 1) : 0;
    const pq = progress > 0 ? gl / progress : Infinity;

    const fired: Criterion[] = [];
    if (gl > t.generalizationLossAlpha) fired.push('GL');
    if (gl > t.minGeneralizationLoss && pq > t.progressQuotientAlpha) fired.push('PQ');
    if (gl > t.minGeneralizationLoss && this.upFired(k, Math.max(1, Math.round(t.upStrips)))) fired.push('UP');
    if (fired.length === 0) return false;

    // With early stopping restoring the best weights, the model the run hands over is not the
    // overfit one: say so at `info`, and only warn once the rise is large (the run wastes its
    // epochs and the patience may be too long).
    const es = this.env.ctx.config?.training.earlyStopping;
    const protectedRun = es !== undefined && es !== false && es.restoreBest;
    const large = gl >= t.errorGeneralizationLoss;
    const severity: Severity = protectedRun ? (large ? 'warning' : 'info') : large ? 'error' : 'warning';
    if (!final && this.raisedSeverity !== null && severityRank(severity) <= severityRank(this.raisedSeverity)) return true;
    if (this.raisedSeverity === null || severityRank(severity) > severityRank(this.raisedSeverity)) this.raisedSeverity = severity;

    this.emit({ best, now, strip, k, gl, stripVal, noise, noiseRatio, progress, pq, fired, severity, protectedRun }, final);
    return true;
  }

  /** The flag for a judged curve: its message, evidence and fixes. */
  private emit(j: Judgement, final: boolean): void {
    const { best, now, strip, k, gl, stripVal, noise, noiseRatio, progress, pq, fired, severity, protectedRun } = j;
    const t = this.t;
    const accAtBest = best.valAccuracy;
    const accNow = mean(strip.map((p) => p.valAccuracy));
    const accuracyKnown = Number.isFinite(accAtBest) && Number.isFinite(accNow);
    const confidenceOverfitting = accuracyKnown && accNow >= accAtBest;
    const gapNow = now.valLoss - now.trainLoss;
    const gapAtBest = best.valLoss - best.trainLoss;
    const criterion = fired.map((c) => (c === 'GL' ? `GL${fmt(t.generalizationLossAlpha)}` : c === 'PQ' ? `PQ${fmt(t.progressQuotientAlpha)}` : `UP${Math.round(t.upStrips)}`));

    const ctx = this.env.ctx;
    const parts = [
      `Overfitting since epoch ${best.epoch}: validation loss has risen from its minimum ${fmt(best.valLoss)} (epoch ${best.epoch}) to ${fmt(now.valLoss)} at epoch ${now.epoch}` +
        ` (median of the last ${k} epochs ${fmt(gl, 2)}% above the minimum), while training loss went from ${fmt(best.trainLoss)} to ${fmt(now.trainLoss)}.`,
      `Generalization gap (validation − training loss): ${fmt(gapAtBest)} at the best epoch, ${fmt(gapNow)} now.`,
      `Prechelt's ${criterion.join(', ')} fired; the rise is ${Number.isFinite(noiseRatio) ? `${fmt(noiseRatio, 2)}×` : 'far above'} the curve's epoch-to-epoch noise, so it is not a wiggle.`,
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
        bestValLoss: best.valLoss,
        currentValLoss: now.valLoss,
        stripMedianValLoss: stripVal,
        generalizationLoss: gl,
        generalizationGap: gapNow,
        generalizationGapAtBest: gapAtBest,
        trainingProgress: progress,
        progressQuotient: Number.isFinite(pq) ? pq : null,
        criterion,
        noiseSigma: noise,
        riseInNoiseSigmas: Number.isFinite(noiseRatio) ? noiseRatio : null,
        valAccuracyAtBest: accuracyKnown ? accAtBest : null,
        valAccuracyNow: accuracyKnown ? accNow : null,
        confidenceOverfitting,
      },
      fix: compact([stopAtEpoch(best.epoch), earlyStopping(ctx), moreL2(ctx), moreDropout(ctx), fewerUnits(ctx)]),
    });
  }

  /** UP_s on strip medians: each of the last s strips ends higher than the one before. */
  private upFired(k: number, s: number): boolean {
    const pts = this.points;
    if (pts.length < k * (s + 1)) return false;
    const stripMedian = (end: number) => median(pts.slice(end - k, end).map((p) => p.valLoss));
    for (let j = 0; j < s; j++) {
      const end = pts.length - j * k;
      if (!(stripMedian(end) > stripMedian(end - k))) return false;
    }
    return true;
  }
}
