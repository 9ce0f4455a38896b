/**
 * Test helpers for the engine: a full config with the contract's defaults, and datasets built
 * directly (the engine tests do not depend on the data layer's loader).
 */
import { readFileSync } from 'node:fs';
import type { LossLensConfig } from '../../../src/config/types';
import type { EncodedDataset, Split } from '../../../src/data/dataset';

type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** The contract's defaults (§1). */
export const DEFAULT_CONFIG: LossLensConfig = {
  name: 'test',
  seed: 0,
  data: { source: 'test', validationSplit: 0.2, standardize: true, missing: 'error', shuffle: true, synthetic: { samples: 500, noise: 0.1 } },
  model: { hidden: [32], activation: 'relu', dropout: 0, output: 'auto', init: 'he' },
  loss: { labelSmoothing: 0, classWeights: 'none' },
  optimizer: { type: 'adam', learningRate: 0.001, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
  regularization: { l1: 0, l2: 0 },
  training: { epochs: 50, batchSize: 32, gradientClip: null, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } },
  diagnostics: {},
};

export function config(patch: DeepPartial<LossLensConfig>): LossLensConfig {
  return merge(DEFAULT_CONFIG, patch) as LossLensConfig;
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}

export function split(x: readonly (readonly number[])[], y: readonly number[]): Split {
  return {
    x: Float32Array.from(x.flat()),
    y: Int32Array.from(y),
    rows: y.length,
    sourceRows: Int32Array.from(y.map((_, i) => i)),
  };
}

export function dataset(featureCount: number, classes: readonly string[], train: Split, validation: Split): EncodedDataset {
  return {
    origin: 'test',
    featureNames: Array.from({ length: featureCount }, (_, i) => `f${i}`),
    classes,
    train,
    validation,
    preprocessing: { target: 'label', standardize: false, columns: [] },
    notes: [],
  };
}

/**
 * A shared real dataset (numeric features, label in the last column), standardized with training
 * statistics; every `validationEvery`-th row goes to validation (deterministic, roughly stratified
 * because the files are sorted by class).
 */
export function realDataset(name: string, validationEvery = 5): EncodedDataset {
  const lines = readFileSync(`/work/shared/datasets/${name}.csv`, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const labelNames = [...new Set(rows.map((r) => r[r.length - 1]!))].sort();
  const features = header.length - 1;
  const xs = rows.map((r) => r.slice(0, features).map(Number));
  const ys = rows.map((r) => labelNames.indexOf(r[r.length - 1]!));
  const isValidation = (i: number): boolean => i % validationEvery === validationEvery - 1;
  const trainX = xs.filter((_, i) => !isValidation(i));
  const mean = Array.from({ length: features }, (_, f) => trainX.reduce((s, r) => s + r[f]!, 0) / trainX.length);
  const std = Array.from({ length: features }, (_, f) => Math.sqrt(trainX.reduce((s, r) => s + (r[f]! - mean[f]!) ** 2, 0) / trainX.length) || 1);
  const z = xs.map((r) => r.map((v, f) => (v - mean[f]!) / std[f]!));
  return dataset(
    features,
    labelNames,
    split(z.filter((_, i) => !isValidation(i)), ys.filter((_, i) => !isValidation(i))),
    split(z.filter((_, i) => isValidation(i)), ys.filter((_, i) => isValidation(i))),
  );
}
