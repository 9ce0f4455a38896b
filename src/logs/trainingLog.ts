/**
 * A training log read from disk, in one shape whatever wrote it, so the same detectors run on it.
 * Foreign logs have only some metrics: a missing one is NaN (detectors treat it as unknown).
 */
import { EPOCH_METRIC_NAMES, type EpochMetricName, type EpochMetrics, type SplitOutputs, type StepRecord } from '../model';
import type { LossLensConfig } from '../config/types';

export interface TrainingLog {
  /** What the file was read as, e.g. "loss-lens run folder", "Keras CSVLogger". */
  readonly format: string;
  readonly file: string;
  readonly epochs: readonly EpochMetrics[];
  readonly steps: readonly LogStep[];
  readonly classes?: readonly string[];
  readonly config?: LossLensConfig;
  /** Validation outputs of the final model, when the log has them (a run folder's predictions.csv). */
  readonly finalValidation?: SplitOutputs;
  /** Things the reader wants the user to know (a skipped partial line, metrics it could not find). */
  readonly notes: readonly string[];
}

/**
 * A step from a log. When the log does not record the gradient norm, `gradNorm` is NaN and
 * `gradNormUnknown` is true: detectors must not mistake "not logged" for "blew up".
 */
export interface LogStep extends StepRecord {
  readonly gradNormUnknown?: true;
}

/**
 * An epoch record from a log. A metric given as a number (NaN included: the log wrote "nan") was
 * recorded; one missing or `undefined` (an empty cell, an absent column) was not, and is listed in
 * `unrecorded` so detectors never mistake "not logged" for "blew up".
 */
export function epochMetrics(epoch: number, known: Partial<Record<EpochMetricName, number | undefined>>): EpochMetrics {
  const values: Record<EpochMetricName, number> = { trainLoss: NaN, valLoss: NaN, trainAccuracy: NaN, valAccuracy: NaN, learningRate: NaN, gradNorm: NaN, timeMs: NaN };
  const unrecorded: EpochMetricName[] = [];
  for (const name of EPOCH_METRIC_NAMES) {
    const v = known[name];
    if (v === undefined) unrecorded.push(name);
    else values[name] = v;
  }
  return { epoch, ...values, ...(unrecorded.length ? { unrecorded } : {}) };
}
