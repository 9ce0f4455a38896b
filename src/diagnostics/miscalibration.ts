/**
 * Miscalibration: the model's confidence does not match how often it is right. Every epoch with
 * validation outputs (live) and at the end on the final model:
 * - diagnostics.json's calibration (ECE over 15 bins, MCE, Brier, bins, temperature T, ECE after T);
 * - a significance test: consistency resampling (calibrationTest.ts) gives the p-value of this ECE
 *   under a perfectly calibrated model with these confidences on this many rows. Flag only when
 *   p < `significance` AND ECE ≥ `minEce` (beyond noise AND big enough to matter);
 * - the direction: mean confidence above accuracy = overconfident, below = underconfident; the
 *   fitted temperature normally agrees (T > 1 softens); when it does not, the flag is `info`
 *   (mixed). Heavy label smoothing (≥ `heavyLabelSmoothing`) caps confidence by design and is
 *   named as the cause of underconfidence.
 * Live, a direction must hold `persistEpochs` epochs in a row, and only epochs after the steep
 * learning phase count (see `settled`): a model in its first epochs is often confidently wrong or
 * timid for a moment, and that says nothing about the model the run will produce.
 * Overconfidence is a `warning`; underconfidence is `info` unless heavy label smoothing causes it
 * (an unfinished model is timid by nature, errs on the safe side, and T fixes it). At the end, the
 * final model is judged again: a live flag it no longer supports is resolved (kept as `info`).
 * Quiet on broken runs (exploded, dead) and on runs that never learned (plateau).
 */
import { type Calibration, type EpochMetrics, type Fix, outputKindFor, type Severity, severityRank, type SplitOutputs } from '../model';
import { calibrationOfProbabilities, computeCalibration } from './calibration';
import { calibrationSignificance, type CalibrationSignificance } from './calibrationTest';
import { compact, earlyStopping } from './fixes';
import { brokenRun } from './runContext';
import { fmt, pct, round2 } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const MISCALIBRATION_DEFAULTS = {
  /** Flag when a perfectly calibrated model would show an ECE this large less often than this. */
  significance: 0.01,
  /**
   * Practical floor on ECE. Guo et al. 2017 (Table 1) report 1-2% ECE after temperature scaling on
   * real benchmarks; below 3% there is little a user can gain.
   */
  minEce: 0.03,
  /** Resamples for the live test every epoch, and for the final model (p-value resolution 1/(R+1)). */
  resamples: 200,
  finalResamples: 1000,
  /** Live: epochs in a row with the same significant direction. */
  persistEpochs: 3,
  /** Live: no judgement before this epoch. */
  minEpochs: 5,
  /** Live: no judgement while the validation loss still falls this much (relative) over 3 epochs... */
  settledImprovement: 0.1,
  /** ...or while its last 3-epoch fall is above this fraction of its largest 3-epoch fall so far. */
  settledFraction: 0.25,
  /** Label smoothing at or above this is "heavy" (Müller et al. 2019 study 0.05-0.1 as typical). */
  heavyLabelSmoothing: 0.1,
};

/** Row draws per test (resamples × rows): bounds the per-epoch cost on very large validation sets. */
const RESAMPLING_BUDGET = 4_000_000;
/** ...but never fewer resamples than this (p-value resolution 1/51 ≈ 0.02 would be too coarse below). */
const MIN_RESAMPLES = 100;

type Direction = 'overconfident' | 'underconfident';

interface Assessment {
  readonly epoch: number;
  readonly calibration: Calibration;
  readonly test: CalibrationSignificance;
  readonly accuracy: number;
  readonly meanConfidence: number;
  readonly rows: number;
  readonly significant: boolean;
  /** The temperature disagrees with the direction: not a miscalibration one T can fix. */
  readonly mixed: boolean;
  readonly direction: Direction;
}

export class MiscalibrationDetector implements Detector {
  readonly kind = 'miscalibration' as const;
  private readonly t: typeof MISCALIBRATION_DEFAULTS;
  private latest: Calibration | null = null;
  private lastValidation: SplitOutputs | null = null;
  private lastEpoch = 0;
  private lastMetrics: EpochMetrics | null = null;
  private readonly valLosses: number[] = [];
  private streak: { direction: Direction; start: number; length: number } | null = null;
  private raisedSeverity: Severity | null = null;
  private readonly seed: number;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('miscalibration', MISCALIBRATION_DEFAULTS, env.ctx.config?.diagnostics);
    this.seed = env.ctx.config?.seed ?? 0;
  }

  /** The latest validation calibration (live), or null before the first epoch with outputs. */
  calibration(): Calibration | null {
    return this.latest;
  }

  onEpoch(event: EpochInput): void {
    const m: EpochMetrics = event.metrics;
    this.lastEpoch = m.epoch;
    this.lastMetrics = m;
    if (!event.validation || event.validation.rows === 0 || !allFinite(event.validation.probabilities)) return;
    this.lastValidation = event.validation;
    this.valLosses.push(m.valLoss);
    const settled = this.settled();
    const a = this.assess(event.validation, m.epoch, settled ? this.t.resamples : 0);
    this.latest = a.calibration;
    if (!settled || !a.significant || this.explainedElsewhere(m, event.validation.classes)) {
      this.streak = null;
      return;
    }
    if (this.streak && this.streak.direction === a.direction) this.streak.length++;
    else this.streak = { direction: a.direction, start: m.epoch, length: 1 };
    if (this.streak.length < this.t.persistEpochs) return;
    this.emit(a, a.mixed ? 'info' : this.severityOf(a.direction), this.streak.start, 'live');
  }

  finish(finalValidation?: SplitOutputs): void {
    const outputs = finalValidation && finalValidation.rows > 0 ? finalValidation : this.lastValidation;
    if (!outputs || !allFinite(outputs.probabilities)) return;
    const a = this.assess(outputs, this.lastEpoch, this.t.finalResamples);
    this.latest = a.calibration;
    const raised = this.env.raised('miscalibration');
    if (raised && this.explainedElsewhere(this.lastMetrics ?? undefined, outputs.classes)) {
      this.env.resolve('miscalibration', 'Superseded: the run never learned or broke down (see the other flags), so its calibration is not the issue. Earlier:');
      return;
    }
    if (raised && (!a.significant || (raised.evidence['direction'] !== a.direction))) {
      // A live flag whose miscalibration the final model no longer shows (in that direction).
      this.env.resolve(
        'miscalibration',
        a.significant
          ? `By the end the model is ${a.direction} instead (ECE ${fmt(a.calibration.ece, 2)}, T = ${fmt(a.calibration.temperature, 3)}); earlier:`
          : `Resolved by the end: the final model's ECE ${fmt(a.calibration.ece, 2)} is within sampling noise (p = ${fmt(a.test.pValue, 2)}). Earlier:`,
        { finalEce: a.calibration.ece, finalTemperature: a.calibration.temperature },
      );
      return;
    }
    if (!a.significant || this.explainedElsewhere(this.lastMetrics ?? undefined, outputs.classes)) return;
    const onset = raised ? ((raised.evidence['onsetEpoch'] as number | undefined) ?? this.lastEpoch) : this.streak && this.streak.direction === a.direction ? this.streak.start : this.lastEpoch;
    // Raised live already: the report carries the final model's numbers (raise epoch kept).
    if (raised) this.raisedSeverity = null;
    this.emit(a, a.mixed ? 'info' : this.severityOf(a.direction), onset, 'final', raised !== undefined);
  }

  /** A broken run (exploded, dead) or one that never learned (plateau): its calibration is not the news. */
  private explainedElsewhere(m: EpochMetrics | undefined, classes: number): boolean {
    return this.env.raised('plateau') !== undefined || brokenRun(this.env, m, classes);
  }

  /**
   * Overconfidence is a warning. Underconfidence is a warning only when heavy label smoothing causes
   * it: otherwise it is the normal state of a model that has not finished learning, it errs on the
   * safe side, and temperature scaling fixes it: `info`.
   */
  private severityOf(direction: Direction): Severity {
    return direction === 'overconfident' || this.labelSmoothing() >= this.t.heavyLabelSmoothing ? 'warning' : 'info';
  }

  /**
   * Past the steep learning phase: epoch ≥ minEpochs, and the validation loss's fall over the last 3
   * epochs is under `settledFraction` of its largest 3-epoch fall so far (or under
   * `settledImprovement` relative). A slow but steady learner is not settled.
   */
  private settled(): boolean {
    const v = this.valLosses;
    const n = v.length;
    if (this.lastEpoch < this.t.minEpochs || n < 4) return false;
    let largest = 0;
    for (let i = 3; i < n; i++) largest = Math.max(largest, v[i - 3]! - v[i]!);
    const recent = v[n - 4]! - v[n - 1]!;
    return !(recent > this.t.settledFraction * largest) && !(recent / v[n - 4]! >= this.t.settledImprovement);
  }

  private labelSmoothing(): number {
    return this.env.ctx.config?.loss.labelSmoothing ?? 0;
  }

  private assess(outputs: SplitOutputs, epoch: number, resamples: number): Assessment {
    const calibration = computeCalibration(outputs);
    const base = calibrationOfProbabilities(outputs.probabilities, outputs.labels, outputs.rows, outputs.classes);
    // Resampling only when it can change the answer (an ECE under the floor is never flagged).
    const test: CalibrationSignificance = resamples > 0 && calibration.ece >= this.t.minEce
      ? calibrationSignificance(base.top.confidence, calibration.ece, Math.max(MIN_RESAMPLES, Math.min(Math.round(resamples), Math.floor(RESAMPLING_BUDGET / outputs.rows))), this.seed + epoch)
      : { pValue: 1, nullEce95: NaN, nullEce99: NaN, resamples: 0 };
    let hits = 0;
    let conf = 0;
    for (let i = 0; i < outputs.rows; i++) {
      hits += base.top.correct[i]!;
      conf += base.top.confidence[i]!;
    }
    const accuracy = hits / outputs.rows;
    const meanConfidence = conf / outputs.rows;
    const significant = test.pValue < this.t.significance && calibration.ece >= this.t.minEce;
    // Direction by the fitted temperature; when T is ~1, by the sign of the average gap.
    // Direction: what the words say, mean confidence above or below accuracy. The fitted temperature
    // usually agrees (T > 1 softens an overconfident model); when it does not, the error is not a
    // simple over/under (e.g. class weights shifting probabilities between classes) and one T
    // cannot fix it: `mixed`, reported as info.
    const direction: Direction = meanConfidence > accuracy ? 'overconfident' : 'underconfident';
    const temperatureAgrees = direction === 'overconfident' ? calibration.temperature > 1 : calibration.temperature < 1;
    return { epoch, calibration, test, accuracy, meanConfidence, rows: outputs.rows, significant, direction, mixed: !temperatureAgrees };
  }

  private emit(a: Assessment, severity: Severity, onsetEpoch: number, when: 'live' | 'final', refresh = false): void {
    if (this.raisedSeverity !== null && severityRank(severity) <= severityRank(this.raisedSeverity)) return;
    this.raisedSeverity = severity;
    const c = a.calibration;
    const smoothing = this.labelSmoothing();
    const sure = a.test.pValue <= 1 / (a.test.resamples + 1) ? `none of ${a.test.resamples} simulated calibrated sets came close (p < ${fmt(1 / a.test.resamples, 1)})` : `p = ${fmt(a.test.pValue, 2)}`;
    const whenText = when === 'final' ? 'the final model' : `epoch ${a.epoch}`;
    const parts = [
      `The model is ${a.direction} on validation (${whenText}): it is ${pct(a.meanConfidence)} confident on average but right ${pct(a.accuracy)} of the time; ` +
        `ECE ${fmt(c.ece, 2)} over 15 bins (MCE ${fmt(c.mce, 2)}, Brier ${fmt(c.brier, 3)}) on ${a.rows} rows, since epoch ${onsetEpoch}.`,
      `A perfectly calibrated model would exceed an ECE of ${fmt(a.test.nullEce95, 2)} on this many rows only 5% of the time; ${sure}, so this is beyond sampling noise.`,
      a.mixed
        ? `This is not a plain over/under-confidence: the best single temperature (T = ${fmt(c.temperature, 3)}) points the other way and only brings the ECE to ${fmt(c.eceAfterTemperature, 2)}, ` +
          `so the probabilities are off between classes rather than uniformly too sharp or too soft${this.env.ctx.config && this.env.ctx.config.loss.classWeights !== 'none' ? ' (class weights shift probability toward the weighted classes, by design)' : ''}.`
        : c.temperatureAtBound
          ? c.temperature < 1
            ? `The best temperature lies below the search range (T ≤ ${fmt(c.temperature, 3)}, ECE ${fmt(c.eceAfterTemperature, 2)} there): the validation rows are separated so cleanly that sharpening the probabilities never costs, so no temperature can be estimated from them; judge a fix on more validation rows.`
            : `The best temperature lies above the search range (T ≥ ${fmt(c.temperature, 3)}, ECE ${fmt(c.eceAfterTemperature, 2)} there): the flattest probabilities fit the validation rows best, so the model's scores carry almost no information about them; no temperature fixes that.`
          : !(c.eceAfterTemperature < c.ece)
            ? // The temperature is fit by log-loss: a few confidently wrong rows (flipped labels, say) pull it
              // far up while the ECE, over bins, gets worse. Proposing it would make the numbers worse.
              `The temperature that fits the validation rows best by log-loss (T = ${fmt(c.temperature, 3)}) does not lower the ECE (${fmt(c.eceAfterTemperature, 2)} after, ${fmt(c.ece, 2)} before): ` +
              'the loss is dominated by a few confidently wrong rows (wrong labels, or hard rows) rather than by confidence that is uniformly too high, so no temperature fixes it; look at those rows first.'
            : `Temperature scaling with T = ${fmt(c.temperature, 3)} brings the ECE to ${fmt(c.eceAfterTemperature, 2)}: divide the logits by ${fmt(c.temperature, 3)} before the softmax` +
              ` (for a sigmoid output, the single logit) when you use the model's probabilities.`,
    ];
    if (a.direction === 'underconfident' && smoothing >= this.t.heavyLabelSmoothing) {
      parts.push(`Label smoothing ${smoothing} caps the confidence the loss rewards, which is the likely cause: lower it.`);
    } else if (a.direction === 'overconfident') {
      parts.push('Overconfidence grows as the network overfits (Guo et al. 2017): stopping earlier also helps.');
    } else {
      parts.push('An underconfident model is often one that has not finished learning.');
    }
    (refresh ? this.env.refresh : this.env.raise)({
      kind: 'miscalibration',
      severity,
      epoch: a.epoch,
      message: parts.join(' '),
      evidence: {
        direction: a.direction,
        onsetEpoch: onsetEpoch,
        ece: c.ece,
        mce: c.mce,
        brier: c.brier,
        temperature: c.temperature,
        eceAfterTemperature: c.eceAfterTemperature,
        temperatureAtBound: c.temperatureAtBound ?? false,
        accuracy: a.accuracy,
        meanConfidence: a.meanConfidence,
        rows: a.rows,
        pValue: a.test.pValue,
        nullEce95: a.test.nullEce95,
        nullEce99: a.test.nullEce99,
        resamples: a.test.resamples,
        test: 'consistency resampling (Bröcker & Smith 2007)',
        assessed: when,
        mixed: a.mixed,
      },
      fix: this.fixes(a.direction, smoothing),
    });
  }

  private fixes(direction: Direction, smoothing: number): Fix[] {
    const ctx = this.env.ctx;
    if (direction === 'underconfident') {
      if (smoothing > 0) {
        const value = smoothing >= 0.1 ? round2(smoothing / 2) : 0;
        return [{ title: `Lower label smoothing to ${value}`, edits: [{ path: 'loss.labelSmoothing', value }] }];
      }
      const epochs = ctx.config?.training.epochs;
      return epochs ? [{ title: `Double the epochs to ${epochs * 2} (an underconfident model often has not finished learning)`, edits: [{ path: 'training.epochs', value: epochs * 2 }] }] : [];
    }
    return compact([
      earlyStopping(ctx),
      smoothing === 0 && softmaxOutput(ctx) ? { title: 'Add label smoothing 0.05 (discourages overconfident logits, Müller et al. 2019)', edits: [{ path: 'loss.labelSmoothing', value: 0.05 }] } : null,
    ]);
  }
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** Whether the run's output is a softmax (label smoothing applies to softmax only). */
function softmaxOutput(ctx: DetectorEnv['ctx']): boolean {
  const output = ctx.config?.model.output;
  // Unknown classes: "auto" is not known to be a softmax.
  const classes = ctx.classes?.length ?? ctx.trainClassCounts?.length ?? 2;
  return output !== undefined && outputKindFor(output, classes) === 'softmax';
}
