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
}
