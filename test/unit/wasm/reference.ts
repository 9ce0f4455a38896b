/**
 * Float64 references for the kernel tests: the textbook triple loops and PyTorch's Adam written out
 * in float64. Float32 kernels must agree with these to float32 rounding, which for a dot product of
 * length k is bounded by about k·2⁻²⁴·Σ|aᵢ·bᵢ| (Higham, "Accuracy and Stability of Numerical
 * Algorithms", §3.1); tests use that bound per element.
 */

/** Deterministic values in [-1, 1) (a 32-bit LCG), so failures reproduce. */
export function filled(count: number, seed: number, target?: Float32Array): Float32Array {
  const out = target ?? new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export interface Reference {
  /** Exact-ish (float64) product. */
  readonly value: Float64Array;
  /** Σ|terms| per element, the scale of its float32 rounding error. */
  readonly magnitude: Float64Array;
}

/** op(A)·op(B) with op chosen by the accessors; elem(i, kk) of A and elem(kk, j) of B. */
function product(m: number, n: number, k: number, aAt: (i: number, kk: number) => number,
  bAt: (kk: number, j: number) => number, bias: Float32Array | null): Reference {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[j]! : 0;
      let mag = Math.abs(sum);
      for (let kk = 0; kk < k; kk++) {
        const t = aAt(i, kk) * bAt(kk, j);
        sum += t;
        mag += Math.abs(t);
      }
      value[i * n + j] = sum;
      magnitude[i * n + j] = mag;
    }
  }
  return { value, magnitude };
}

/** A[m×k] · B[n×k]ᵀ + bias. */
export const refNT = (a: Float32Array, b: Float32Array, m: number, n: number, k: number, bias: Float32Array | null): Reference =>
  product(m, n, k, (i, kk) => a[i * k + kk]!, (kk, j) => b[j * k + kk]!, bias);
/** A[k×m]ᵀ · B[k×n]. */
export const refTN = (a: Float32Array, b: Float32Array, m: number, n: number, k: number): Reference =>
  product(m, n, k, (i, kk) => a[kk * m + i]!, (kk, j) => b[kk * n + j]!, null);
/** A[m×k] · B[k×n]. */
export const refNN = (a: Float32Array, b: Float32Array, m: number, n: number, k: number): Reference =>
  product(m, n, k, (i, kk) => a[i * k + kk]!, (kk, j) => b[kk * n + j]!, null);

/** Index of the first element of `actual` outside the float32 rounding bound, or -1. */
export function firstMismatch(actual: Float32Array, ref: Reference, k: number): number {
  for (let i = 0; i < ref.value.length; i++) {
    const bound = (k + 2) * 2 ** -24 * ref.magnitude[i]! + 1e-30;
    if (!(Math.abs(actual[i]! - ref.value[i]!) <= bound)) return i;
  }
  return -1;
}

/** PyTorch 1.13 Adam/AdamW for one element, in float64. Returns [p, m, v]. */
export function adamRef(p: number, g: number, m: number, v: number, lr: number, beta1: number, beta2: number,
  eps: number, step: number, wdCoupled: number, wdDecoupled: number): [number, number, number] {
  const grad = g + wdCoupled * p;
  const param = p * (1 - lr * wdDecoupled);
  const m1 = beta1 * m + (1 - beta1) * grad;
  const v1 = beta2 * v + (1 - beta2) * grad * grad;
  const denom = Math.sqrt(v1) / Math.sqrt(1 - beta2 ** step) + eps;
  return [param - (lr / (1 - beta1 ** step)) * m1 / denom, m1, v1];
}
