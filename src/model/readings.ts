/**
 * What a run reports, as plain data: the readings every source yields (the bundled trainer, another
 * trainer's log, a run folder) and every consumer reads (detectors, the run folder, the host, the
 * CLI, the dashboard). The record shapes are those of metrics.jsonl (docs/run-folder.md).
 * Typed arrays in readings belong to the receiver only for the duration of a callback: copy what you keep.
 */

/** One optimizer step. `step` counts from 1 over the whole run; `batch` from 0 within the epoch. */
export interface StepStats {
  readonly step: number;
  readonly epoch: number;
  readonly batch: number;
  /** The minibatch criterion (smoothing, class weights), without the L1/L2 penalty. Non-finite allowed. */
  readonly loss: number;
  /** Global L2 norm of all gradients (penalty included) BEFORE clipping, as clip_grad_norm_ returns it. */
  readonly gradNorm: number;
  /** Per dense layer, the L2 norm of its weight+bias gradient (before clipping). */
  readonly layerGradNorms: readonly number[];
  /** Per hidden layer, the fraction of units whose activation was <= 0 for every row of the batch (ReLU-dead). */
  readonly deadFractions: readonly number[];
  readonly learningRate: number;
  /** Wall-clock milliseconds of this step (forward, backward, update). */
  readonly timeMs: number;
}

/** The keys of a metrics.jsonl step record, in the order they are written. */
export const STEP_RECORD_KEYS = ['step', 'epoch', 'loss', 'gradNorm'] as const;

/** A step as metrics.jsonl and other trainers' logs record it. */
export type StepRecord = Pick<StepStats, (typeof STEP_RECORD_KEYS)[number]>;

/** The metrics of an epoch record, in the order metrics.jsonl writes them. */
export const EPOCH_METRIC_NAMES = ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy', 'learningRate', 'gradNorm', 'timeMs'] as const;

export type EpochMetricName = (typeof EPOCH_METRIC_NAMES)[number];

/** The keys of a metrics.jsonl epoch record, in the order they are written. */
export const EPOCH_RECORD_KEYS = ['epoch', ...EPOCH_METRIC_NAMES] as const;

/** An epoch record (metrics.jsonl). `epoch` counts from 1. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly trainAccuracy: number;
  readonly valAccuracy: number;
  readonly learningRate: number;
  /** Mean over the epoch's steps of the pre-clip global gradient norm. */
  readonly gradNorm: number;
  /** Wall-clock milliseconds of the epoch's training steps, validation excluded (compute time). */
  readonly timeMs: number;
  /**
   * Wall-clock milliseconds since the run started, at the end of this epoch: validation, the
   * detectors, writing the folder and any wait included. Absent when the source did not record it.
   */
  readonly wallMs?: number;
  /**
   * Metrics a foreign log did not record (their values are NaN). Absent for the engine's own runs,
   * where NaN always means the value was measured and was not finite. Never written to metrics.jsonl.
   */
  readonly unrecorded?: readonly EpochMetricName[];
}

/** Whether a log recorded this metric for this epoch (a NaN may be "measured, not finite" or "not recorded"). */
export function recorded(m: EpochMetrics, name: EpochMetricName): boolean {
  return !m.unrecorded?.includes(name);
}

/**
 * A series a run logged that has no slot in the epoch and step records (a custom metric, a per-step
 * learning rate, steps per second), kept by name so it can be charted.
 */
export interface ScalarSeries {
  readonly name: string;
  /** What `x` counts: the run's steps or its epochs (numbered as in the records). */
  readonly axis: 'step' | 'epoch';
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/**
 * Model outputs on a whole split, in eval mode (no dropout), with the weights at the end of an epoch.
 * `logits` is [rows][outputs] row-major: outputs = C for softmax, 1 for sigmoid (the logit of the
 * SECOND class). `probabilities` is always [rows][C] (for sigmoid: [1-p, p]).
 */
export interface SplitOutputs {
  readonly output: 'softmax' | 'sigmoid';
  readonly classes: number;
  readonly rows: number;
  readonly logits: Float32Array;
  readonly probabilities: Float32Array;
  readonly labels: Int32Array;
}
