/** Builders for constructed event streams (not a test file: imported by the tests). */
import type { EpochMetrics, SplitOutputs, StepStats } from '../../../src/engine/events';

export function softmaxOutputs(logits: number[][], labels: number[]): SplitOutputs {
  const rows = logits.length;
  const classes = logits[0]!.length;
  const probabilities = new Float32Array(rows * classes);
  logits.forEach((z, i) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, k) => (probabilities[i * classes + k] = v / s));
  });
  return { output: 'softmax', classes, rows, logits: Float32Array.from(logits.flat()), probabilities, labels: Int32Array.from(labels) };
}

export function sigmoidOutputs(logits: number[], labels: number[]): SplitOutputs {
  const probabilities = new Float32Array(logits.length * 2);
  logits.forEach((z, i) => {
    const p = 1 / (1 + Math.exp(-z));
    probabilities[2 * i] = 1 - p;
    probabilities[2 * i + 1] = p;
  });
  return { output: 'sigmoid', classes: 2, rows: logits.length, logits: Float32Array.from(logits), probabilities, labels: Int32Array.from(labels) };
}

/** Outputs given directly as probabilities (logits = log p, so softmax(logits) = p). */
export function probabilityOutputs(probs: number[][], labels: number[]): SplitOutputs {
  return softmaxOutputs(probs.map((p) => p.map((v) => Math.log(v))), labels);
}

export function metrics(epoch: number, trainLoss: number, valLoss: number, valAccuracy = NaN, trainAccuracy = NaN): EpochMetrics {
  return { epoch, trainLoss, valLoss, trainAccuracy, valAccuracy, learningRate: 0.001, gradNorm: 1, timeMs: 1 };
}

export function step(stepNo: number, loss: number, over: Partial<StepStats> = {}): StepStats {
  return { step: stepNo, epoch: 1, batch: stepNo - 1, loss, gradNorm: 1, layerGradNorms: [1], deadFractions: [0.1], learningRate: 0.001, timeMs: 1, ...over };
}

/** A small deterministic PRNG for noise in constructed streams (mulberry32). */
export function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import type { LossLensConfig } from '../../../src/config/types';

/** The contract §1 defaults as a resolved config, with overrides merged one level deep. */
export function config(over: Partial<{ [K in keyof LossLensConfig]: Partial<LossLensConfig[K]> | LossLensConfig[K] }> = {}): LossLensConfig {
  const base: LossLensConfig = {
    name: 'test',
    seed: 0,
    data: { source: 'iris', validationSplit: 0.2, standardize: true, missing: 'error', shuffle: true, synthetic: { samples: 500, noise: 0.1 } },
    model: { hidden: [32], activation: 'relu', dropout: 0, output: 'auto', init: 'he' },
    loss: { labelSmoothing: 0, classWeights: 'none' },
    optimizer: { type: 'adam', learningRate: 0.001, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    regularization: { l1: 0, l2: 0 },
    training: { epochs: 50, batchSize: 32, gradientClip: null, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } },
    diagnostics: {},
  };
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = (base as unknown as Record<string, unknown>)[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? { ...b, ...v } : v;
  }
  return out as unknown as LossLensConfig;
}
