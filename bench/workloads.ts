/**
 * The benchmark workloads of issues #2/#3 and what one training sample costs in each: the same
 * definitions for every implementation (engine, TF.js, PyTorch), so figures compare like with like.
 */
export interface Workload {
  readonly name: string;
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly classes: number;
  readonly batch: number;
  /** Training rows per epoch (a whole number of batches). */
  readonly trainRows: number;
}

export const WORKLOADS: Readonly<Record<string, Workload>> = {
  W1: { name: 'W1', inputs: 64, hidden: [128, 128], classes: 10, batch: 32, trainRows: 4096 },
  W2: { name: 'W2', inputs: 784, hidden: [256, 128], classes: 10, batch: 128, trainRows: 2048 },
};

/** Rows per inference pass (the engine's evaluation chunk). */
export const INFERENCE_BATCH = 256;

/** Layer sizes, input first. */
export const layerSizes = (w: Workload): number[] => [w.inputs, ...w.hidden, w.classes];

/** Multiply-adds of one sample's forward pass. */
export function forwardMacs(w: Workload): number {
  const s = layerSizes(w);
  let macs = 0;
  for (let l = 1; l < s.length; l++) macs += s[l - 1]! * s[l]!;
  return macs;
}

/**
 * FLOPs (2 per multiply-add) of one training sample's GEMMs: forward, weight gradient, and input
 * gradient for every layer but the first (its input needs none).
 */
export function trainingFlopsPerSample(w: Workload): number {
  const s = layerSizes(w);
  const firstLayer = s[0]! * s[1]!;
  return 2 * (3 * forwardMacs(w) - firstLayer);
}

export const inferenceFlopsPerSample = (w: Workload): number => 2 * forwardMacs(w);

/** Deterministic features in [-1, 1) and labels from a fixed random linear teacher (so training is not degenerate). */
export function syntheticData(w: Workload, rows: number, seed: number): { x: Float32Array; y: Int32Array } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
  const teacher = Float64Array.from({ length: w.inputs * w.classes }, next);
  const x = new Float32Array(rows * w.inputs);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let f = 0; f < w.inputs; f++) x[r * w.inputs + f] = next();
    for (let c = 0; c < w.classes; c++) {
      let score = 0;
      for (let f = 0; f < w.inputs; f++) score += teacher[c * w.inputs + f]! * x[r * w.inputs + f]!;
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    y[r] = best;
  }
  return { x, y };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
