/**
 * What the trainer hands its listener: the run model's readings (src/model/readings.ts) plus the
 * model outputs only the trainer has. Typed arrays in events are owned by the receiver only for the
 * duration of the callback unless stated otherwise: copy what you keep.
 */
import type { EpochMetrics, SplitOutputs, StepStats, StopReason } from '../model';
import type { ModelJson } from './modelJson';

export interface EpochEvent {
  readonly metrics: EpochMetrics;
  readonly validation: SplitOutputs;
  /** Present when the trainer was asked to record training-set outputs (for mislabel detection). */
  readonly train?: SplitOutputs;
}

export interface TrainingSummary {
  readonly reason: StopReason;
  readonly epochs: number;
  readonly steps: number;
  readonly bestEpoch: number | null;
  readonly restoredBest: boolean;
  /** Outputs on the validation split from the final (or restored best) model. */
  readonly finalValidation: SplitOutputs;
  /** The final (or restored best) model in model.json's format (docs/run-folder.md). */
  readonly model: ModelJson;
}

export interface TrainingListener {
  onStep?(stats: StepStats): void;
  onEpoch?(event: EpochEvent): void;
}
