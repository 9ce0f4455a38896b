/**
 * What a training run is, in the engine's own terms: the network, the loss, the optimizer's
 * hyper-parameters and the loop's settings as named fields. The run layer builds it from a user's
 * config (src/run/trainingSpec.ts); the engine never sees a config.
 */
import type { OutputSetting } from '../model';
import type { ActivationName } from './activations';
import type { ClassWeightsSpec } from './classWeights';
import type { ModelJson } from './modelJson';

export interface NetworkSpec {
  /** Sizes of the hidden layers. */
  readonly hidden: readonly number[];
  readonly activation: ActivationName;
  /** Probability of dropping a hidden unit in training (inverted dropout; 0 = none). */
  readonly dropout: number;
  readonly output: OutputSetting;
}

/** Optimizer hyper-parameters (PyTorch names); each optimizer reads those of its kind. */
export interface OptimizerSpec {
  readonly type: 'sgd' | 'adam' | 'adamw';
  readonly learningRate: number;
  /** SGD only, PyTorch form v = m*v + g. */
  readonly momentum: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** SGD and Adam: coupled (L2 added to the gradient); AdamW: decoupled. */
  readonly weightDecay: number;
}

/** Keras EarlyStopping on the validation loss. */
export interface EarlyStoppingSpec {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
}

export interface TrainingSpec {
  /** One seed makes initialisation, shuffling and dropout reproducible. */
  readonly seed: number;
  readonly network: NetworkSpec;
  /** He or Xavier initialisation, or the weights of a model.json. */
  readonly init: 'he' | 'xavier' | { readonly model: ModelJson; readonly file: string };
  readonly loss: { readonly labelSmoothing: number; readonly classWeights: ClassWeightsSpec };
  readonly optimizer: OptimizerSpec;
  /** Penalty l1·Σ|w| + l2·Σw² over weights (not biases), added to the gradient. */
  readonly penalty: { readonly l1: number; readonly l2: number };
  readonly epochs: number;
  /** The last partial batch is kept. */
  readonly batchSize: number;
  /** Reshuffle the training rows every epoch (seeded). */
  readonly shuffle: boolean;
  /** Max global L2 norm of the gradients (clip_grad_norm_), or null. */
  readonly gradientClip: number | null;
  readonly earlyStopping: EarlyStoppingSpec | false;
}
