/** The engine's spec for a resolved config: the one place config keys become engine fields. */
import type { ModelJson } from '../engine/modelJson';
import type { TrainingSpec } from '../engine/spec';
import type { LossLensConfig } from './types';

/**
 * `initialModel` is the parsed model.json that `model.init` names (the caller reads it); without it
 * `model.init` must be "he" or "xavier".
 */
export function trainingSpec(config: LossLensConfig, initialModel?: ModelJson): TrainingSpec {
  const init = config.model.init;
  return {
    seed: config.seed,
    network: { hidden: config.model.hidden, activation: config.model.activation, dropout: config.model.dropout, output: config.model.output },
    init: initialModel ? { model: initialModel, file: init === 'he' || init === 'xavier' ? 'the initial model' : init } : init === 'xavier' ? 'xavier' : 'he',
    loss: { labelSmoothing: config.loss.labelSmoothing, classWeights: config.loss.classWeights },
    optimizer: config.optimizer,
    penalty: { l1: config.regularization.l1, l2: config.regularization.l2 },
    epochs: config.training.epochs,
    batchSize: config.training.batchSize,
    shuffle: config.data.shuffle,
    gradientClip: config.training.gradientClip,
    earlyStopping: config.training.earlyStopping,
  };
}
