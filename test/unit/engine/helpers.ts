/**
 * Test helpers for the engine: a full config with the documented defaults (docs/config.md), and datasets built
 * directly (the engine tests do not depend on the data layer's loader).
 */
import { readFileSync } from 'node:fs';
import type { EncodedDataset } from '../../../src/data/dataset';
import type { Split } from '../../../src/engine/trainingData';

export { DEFAULT_CONFIG, config } from '../helpers/config';

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
  const lines = readFileSync(`media/datasets/${name}.csv`, 'utf8').trim().split(/\r?\n/);
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
