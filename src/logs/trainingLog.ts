/**
 * A training log read from disk, in one shape whatever wrote it, so the same detectors run on it.
 * Foreign logs have only some metrics: a missing one is NaN (detectors treat it as unknown).
 */
import type { EpochMetrics, SplitOutputs } from '../engine/events';
import type { LossLensConfig } from '../config/types';
import type { StepRecord } from '../run/records';

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

/** An epoch record with every metric unknown except those given. */
export function epochMetrics(epoch: number, known: Partial<EpochMetrics>): EpochMetrics {
  return { epoch, trainLoss: NaN, valLoss: NaN, trainAccuracy: NaN, valAccuracy: NaN, learningRate: NaN, gradNorm: NaN, timeMs: NaN, ...known };
}
