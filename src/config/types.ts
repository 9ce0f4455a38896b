/**
 * The training config of a `*.losslens.json` file, with every default filled in.
 * Mirrors `src/config/losslens.schema.json` and docs/config.md; readonly on purpose: a resolved
 * config is a value, never mutated after validation. Where a section is what the engine takes
 * (the optimizer, early stopping, class weights), its type is the engine's.
 */
import type { ActivationName } from '../engine/activations';
import type { ClassWeightsSpec } from '../engine/classWeights';
import type { EarlyStoppingSpec, OptimizerSpec } from '../engine/spec';
import type { DiagnosticsOverrides } from '../diagnostics/thresholds';
import type { OutputSetting } from '../model';

export type MissingPolicy = 'error' | 'drop' | 'impute';
export type OptimizerType = OptimizerSpec['type'];

export interface SyntheticOptions {
  readonly samples: number;
  readonly noise: number;
}

export interface DataConfig {
  /** A bundled dataset name, a synthetic generator name, or a CSV path (relative to the config's folder). */
  readonly source?: string;
  /** Explicit training file (then `validation` is required too). */
  readonly train?: string;
  readonly validation?: string;
  /** Target column; default: the last column. */
  readonly target?: string;
  /** The CSV files' text encoding, a WHATWG label (TextDecoder); default "utf-8", read strictly. */
  readonly encoding: string;
  readonly validationSplit: number;
  readonly standardize: boolean;
  readonly missing: MissingPolicy;
  readonly shuffle: boolean;
  readonly synthetic: SyntheticOptions;
}

export interface ModelConfig {
  readonly hidden: readonly number[];
  readonly activation: ActivationName;
  readonly dropout: number;
  readonly output: OutputSetting;
  /** "he" | "xavier" | a path to a model.json (relative to the config's folder). */
  readonly init: string;
}

export type ClassWeightsConfig = ClassWeightsSpec;

export interface LossConfig {
  readonly labelSmoothing: number;
  readonly classWeights: ClassWeightsConfig;
}

export type OptimizerConfig = OptimizerSpec;

export interface RegularizationConfig {
  readonly l1: number;
  readonly l2: number;
}

export type EarlyStoppingConfig = EarlyStoppingSpec;

export interface TrainingConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly gradientClip: number | null;
  readonly earlyStopping: EarlyStoppingConfig | false;
}


export interface LossLensConfig {
  readonly name: string;
  readonly seed: number;
  readonly data: DataConfig;
  readonly model: ModelConfig;
  readonly loss: LossConfig;
  readonly optimizer: OptimizerConfig;
  readonly regularization: RegularizationConfig;
  readonly training: TrainingConfig;
  readonly diagnostics: DiagnosticsOverrides;
}
