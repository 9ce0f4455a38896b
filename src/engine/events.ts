/**
 * What a training run reports, as plain data. The trainer emits these; detectors, the run-folder
 * writer, the worker and the CLI consume them. Typed arrays in events are owned by the receiver only
 * for the duration of the callback unless stated otherwise: copy what you keep.
 */
import type { ModelJson } from './modelJson';

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

/** The contract's epoch record (§3 metrics.jsonl). `epoch` counts from 1. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly trainAccuracy: number;
  readonly valAccuracy: number;
  readonly learningRate: number;
  /** Mean over the epoch's steps of the pre-clip global gradient norm. */
  readonly gradNorm: number;
  /** Wall-clock milliseconds of the epoch's training steps, validation excluded. */
  readonly timeMs: number;
  /**
   * Metrics a foreign log did not record (their values are NaN). Absent for the engine's own runs,
   * where NaN always means the value was measured and was not finite. Never written to metrics.jsonl.
   */
  readonly unrecorded?: readonly EpochMetricName[];
}

export type EpochMetricName = 'trainLoss' | 'valLoss' | 'trainAccuracy' | 'valAccuracy' | 'learningRate' | 'gradNorm' | 'timeMs';

/** Whether a log recorded this metric for this epoch (a NaN may be "measured, not finite" or "not recorded"). */
export function recorded(m: EpochMetrics, name: EpochMetricName): boolean {
  return !m.unrecorded?.includes(name);
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

export interface EpochEvent {
  readonly metrics: EpochMetrics;
  readonly validation: SplitOutputs;
  /** Present when the trainer was asked to record training-set outputs (for mislabel detection). */
  readonly train?: SplitOutputs;
}

export type StopReason = 'completed' | 'early-stopped' | 'stopped' | 'diverged';

export interface TrainingSummary {
  readonly reason: StopReason;
  readonly epochs: number;
  readonly steps: number;
  readonly bestEpoch: number | null;
  readonly restoredBest: boolean;
  /** Outputs on the validation split from the final (or restored best) model. */
  readonly finalValidation: SplitOutputs;
  /** The final (or restored best) model in the contract's model.json format. */
  readonly model: ModelJson;
}

export interface TrainingListener {
  onStep?(stats: StepStats): void;
  onEpoch?(event: EpochEvent): void;
}
