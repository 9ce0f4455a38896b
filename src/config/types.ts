/**
 * The training config of a `*.losslens.json` file, with every default filled in.
 * Mirrors `src/config/losslens.schema.json` and `../shared/docs/contract.md` §1; readonly on purpose:
 * a resolved config is a value, never mutated after validation.
 */
export type ActivationName = 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear';
export type OutputKind = 'softmax' | 'sigmoid';
export type MissingPolicy = 'error' | 'drop' | 'impute';
export type OptimizerType = 'sgd' | 'adam' | 'adamw';

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
  readonly output: OutputKind | 'auto';
  /** "he" | "xavier" | a path to a model.json (relative to the config's folder). */
  readonly init: string;
}

export type ClassWeightsConfig = 'none' | 'balanced' | Readonly<Record<string, number>>;

export interface LossConfig {
  readonly labelSmoothing: number;
  readonly classWeights: ClassWeightsConfig;
}

export interface OptimizerConfig {
  readonly type: OptimizerType;
  readonly learningRate: number;
  /** SGD only, PyTorch form v = m*v + g. */
  readonly momentum: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** AdamW decoupled weight decay (PyTorch default 0.01); 0 for sgd/adam. */
  readonly weightDecay: number;
}

export interface RegularizationConfig {
  readonly l1: number;
  readonly l2: number;
}

export interface EarlyStoppingConfig {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
}

export interface TrainingConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly gradientClip: number | null;
  readonly earlyStopping: EarlyStoppingConfig | false;
}

/** Threshold overrides by detector; keys are the detectors' named defaults. */
export type DiagnosticsOverrides = Readonly<Record<string, Readonly<Record<string, number | boolean>>>>;

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
