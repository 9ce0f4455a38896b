import type { DataConfig, LossLensConfig } from '../../../src/config/types';

/** A resolved config with the contract's defaults and the given `data` overrides. */
export function configFor(data: Partial<DataConfig>, seed = 0): LossLensConfig {
  return {
    name: 'test',
    seed,
    data: {
      validationSplit: 0.2,
      standardize: true,
      missing: 'error',
      shuffle: true,
      synthetic: { samples: 500, noise: 0.1 },
      ...data,
    },
    model: { hidden: [32], activation: 'relu', dropout: 0, output: 'auto', init: 'he' },
    loss: { labelSmoothing: 0, classWeights: 'none' },
    optimizer: { type: 'adam', learningRate: 0.001, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    regularization: { l1: 0, l2: 0 },
    training: { epochs: 50, batchSize: 32, gradientClip: null, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } },
    diagnostics: {},
  };
}
