/**
 * The numeric kernels the engine's hot loop calls. Two implementations share this interface:
 * `jsKernels` (plain TypeScript, the reference and fallback) and the WebAssembly SIMD kernels
 * (`src/engine/wasm/`). Tests check that both agree to float32 rounding.
 *
 * Memory: every Float32Array handed to a kernel must be a view carved from the one arena that
 * `createArena` returned for these kernels (for WASM this is the module's linear memory, so a
 * view's `byteOffset` is its address). The engine computes its whole footprint first, creates the
 * arena once, and carves all parameters, gradients, optimizer state and batch buffers from it:
 * nothing is allocated per step.
 *
 * Layouts are batch-major and row-major; dense weights are [out][in] like torch.nn.Linear.
 */
import type { ActivationName } from './activations';

export interface Arena {
  /** The whole arena; carve views with `subarray`. Length in floats. */
  readonly floats: Float32Array;
  /** Carves the next `count` floats (16-byte aligned). Throws if the arena is exhausted. */
  take(count: number): Float32Array;
}

/** Activation codes shared with the WASM kernels. */
export const enum ActivationCode {
  Linear = 0,
  Relu = 1,
  LeakyRelu = 2,
  Tanh = 3,
  Sigmoid = 4,
  Gelu = 5,
}

const ACTIVATION_CODES: Readonly<Record<ActivationName, ActivationCode>> = {
  linear: ActivationCode.Linear,
  relu: ActivationCode.Relu,
  'leaky-relu': ActivationCode.LeakyRelu,
  tanh: ActivationCode.Tanh,
  sigmoid: ActivationCode.Sigmoid,
  gelu: ActivationCode.Gelu,
};

export const activationCode = (name: ActivationName): ActivationCode => ACTIVATION_CODES[name];

export interface Kernels {
  readonly name: string;
  /** An arena of at least `floatCount` floats, zero-filled. Called once per model. */
  createArena(floatCount: number): Arena;

  /** C[m×n] = A[m×k] · B[n×k]ᵀ + bias[n] (bias broadcast over rows; null for none). Overwrites C. Dense forward. */
  gemmNT(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, bias: Float32Array | null): void;
  /** C[m×n] = A[k×m]ᵀ · B[k×n]. Overwrites C. Weight gradient dW = dZᵀ · X. */
  gemmTN(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number): void;
  /** C[m×n] = A[m×k] · B[k×n]. Overwrites C. Input gradient dX = dZ · W. */
  gemmNN(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number): void;

  /**
   * Adam / AdamW in place over `count` parameters, PyTorch semantics (torch.optim.Adam / AdamW):
   * g' = g + wdCoupled·p; m = β1·m + (1-β1)·g'; v = β2·v + (1-β2)·g'²;
   * p -= lr·wdDecoupled·p (AdamW); p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + ε).
   */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, count: number,
    lr: number, beta1: number, beta2: number, eps: number, step: number, wdCoupled: number, wdDecoupled: number): void;

  // The rest of a training step's passes over memory. In plain JS they cost as much as the GEMMs on
  // small networks (W1 in issue #3), so they are kernels too.

  /** Σ x[i]² over the first `count` floats, accumulated in float64 (gradient norms). */
  sumSquares(x: Float32Array, count: number): number;
  /** True when each of the first `count` floats is finite (divergence check). */
  allFinite(x: Float32Array, count: number): boolean;
  /** out[j] = Σ_i A[i][j] for A[m×n], summed over rows in order in float32 (bias gradient). Overwrites out. */
  columnSums(a: Float32Array, out: Float32Array, m: number, n: number): void;
  /** How many columns of A[m×n] have no entry > 0 (NaN counts as not > 0): dead ReLU units of a batch. */
  deadColumns(a: Float32Array, m: number, n: number): number;
  /**
   * out = f(z) over the first `count` floats, exactly as the activation's own loop in
   * activations.ts. Returns false, writing nothing, when these kernels do not implement `code`
   * (the caller then runs that loop).
   */
  activationForward(code: ActivationCode, z: Float32Array, out: Float32Array, count: number): boolean;
  /** grad *= f'(z) over the first `count` floats; false (nothing written) as for `activationForward`. */
  activationBackward(code: ActivationCode, z: Float32Array, grad: Float32Array, count: number): boolean;
}
