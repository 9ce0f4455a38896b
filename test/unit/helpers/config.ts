/**
 * The config defaults (docs/config.md) as a resolved config, for tests of the core that should not depend on
 * the config layer (test/unit/config/validate.test.ts checks that the validator fills exactly these).
 */
import type { DataConfig, LossLensConfig } from '../../../src/config/types';
import { trainingSpec } from '../../../src/config/trainingSpec';
import type { TrainingListener, TrainingSummary } from '../../../src/engine/events';
import type { ModelJson } from '../../../src/engine/modelJson';
import { train, type TrainOptions } from '../../../src/engine/trainer';
import type { TrainingData } from '../../../src/engine/trainingData';

export type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

export const DEFAULT_CONFIG: LossLensConfig = {
  name: 'test',
  seed: 0,
  data: { source: 'iris', encoding: 'utf-8', validationSplit: 0.2, standardize: true, missing: 'error', shuffle: true, synthetic: { samples: 500, noise: 0.1 } },
  model: { hidden: [32], activation: 'relu', dropout: 0, output: 'auto', init: 'he' },
  loss: { labelSmoothing: 0, classWeights: 'none' },
  optimizer: { type: 'adam', learningRate: 0.001, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
  regularization: { l1: 0, l2: 0 },
  training: { epochs: 50, batchSize: 32, gradientClip: null, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } },
  diagnostics: {},
};

/** The defaults with `patch` merged in deeply (arrays and non-objects replace). */
export function config(): LossLensConfig;
export function config(patch: DeepPartial<LossLensConfig>): LossLensConfig;
export function config(patch: DeepPartial<LossLensConfig> = {}): LossLensConfig {
  return merge(DEFAULT_CONFIG, patch) as LossLensConfig;
}

/** The defaults with exactly these `data` keys (no bundled `source` unless given). */
export function configFor(data: Partial<DataConfig>, seed = 0): LossLensConfig {
  const { source: _unused, ...dataDefaults } = DEFAULT_CONFIG.data;
  return { ...DEFAULT_CONFIG, seed, data: { ...dataDefaults, ...data } };
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}

/** Trains a resolved config, as the run layer does (the engine takes a spec, not a config). */
export function trainConfig(config: LossLensConfig, data: TrainingData, listener: TrainingListener, options: TrainOptions & { readonly initialModel?: ModelJson } = {}): TrainingSummary {
  const { initialModel, ...rest } = options;
  return train(trainingSpec(config, initialModel), data, listener, rest);
}
