import { LEAKY_RELU_SLOPE } from '../activations';
import { ActivationCode, type Arena, type Kernels } from '../kernels';
import adamBytes from './adam.wat';
import gemmBytes from './gemm.wat';
import vectorBytes from './vector.wat';

/**
 * The WebAssembly SIMD implementation of `Kernels`.
 *
 * Each arena is a fresh WebAssembly.Memory sized once (never grown: growing would detach every view
 * the engine holds), with one instance per module importing it. A view's `byteOffset` is therefore
 * its address for the kernels. Modules are compiled synchronously once per process (Node, worker
 * threads and the VS Code extension host all allow synchronous compilation).
 */

const WASM_PAGE_BYTES = 65536;
/** Address 0 means "no bias" to the GEMM kernels, so the first view starts after a small gap. */
const RESERVED_LOW_BYTES = 64;
/** The GEMM kernels may read up to 7 floats past an operand (never write); keep that inside memory. */
const OVERREAD_PAD_BYTES = 64;
/** wasm32 addresses are 32-bit; V8 caps a Memory at 65536 pages (4 GiB). */
const MAX_PAGES = 65536;
/** `take` alignment, as the Arena contract promises (16 bytes = one f32x4). */
const ALIGN_FLOATS = 4;

interface GemmExports {
  gemmNT(a: number, b: number, c: number, m: number, n: number, k: number, bias: number): void;
  gemmTN(a: number, b: number, c: number, m: number, n: number, k: number): void;
  gemmNN(a: number, b: number, c: number, m: number, n: number, k: number): void;
}

interface AdamExports {
  adam(p: number, g: number, m: number, v: number, count: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    negStepSize: number, bias2Sqrt: number, eps: number, wdCoupled: number, decoupledFactor: number): void;
}

interface VectorExports {
  sumSquares(x: number, count: number): number;
  allFinite(x: number, count: number): number;
  columnSums(a: number, out: number, m: number, n: number): void;
  deadColumns(a: number, m: number, n: number): number;
  reluForward(z: number, out: number, count: number): void;
  reluBackward(z: number, grad: number, count: number): void;
  leakyForward(z: number, out: number, count: number, slope: number): void;
  leakyBackward(z: number, grad: number, count: number, slope: number): void;
}

/** One arena's memory and the instances bound to it. */
interface Bound {
  readonly buffer: ArrayBufferLike;
  readonly gemm: GemmExports;
  readonly adam: AdamExports;
  readonly vector: VectorExports;
}

interface CompiledModules {
  readonly gemm: WebAssembly.Module;
  readonly adam: WebAssembly.Module;
  readonly vector: WebAssembly.Module;
}

let compiled: CompiledModules | null | undefined;

/** Compiles the kernel modules once; null when this runtime lacks WebAssembly or its SIMD proposal. */
function compileModules(): CompiledModules | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = typeof WebAssembly === 'object'
      ? { gemm: new WebAssembly.Module(gemmBytes), adam: new WebAssembly.Module(adamBytes), vector: new WebAssembly.Module(vectorBytes) }
      : null;
  } catch {
    compiled = null; // CompileError: no SIMD support.
  }
  return compiled;
}

/** True when the WebAssembly SIMD kernels can run here. */
export function wasmSimdAvailable(): boolean {
  return compileModules() !== null;
}

/**
 * Compiles the kernel modules now (once per process), inside `around`: a runtime adapter may choose
 * the compiler tier there (src/run/wasmTier.ts). Returns whether WebAssembly SIMD is available.
 */
export function compileWasmKernels(around: (compile: () => void) => void): boolean {
  if (compiled === undefined) around(() => void compileModules());
  return compileModules() !== null;
}

/**
 * WebAssembly SIMD kernels. `fallback` (the plain-TypeScript kernels) runs any call whose operands
 * are not all views of one of this object's arenas, so a stray plain Float32Array is slow, never wrong.
 * Throws when WebAssembly SIMD is unavailable (check `wasmSimdAvailable()` first).
 */
export function createWasmKernels(fallback: Kernels): Kernels {
  const modules = compileModules();
  if (!modules) throw new Error('WebAssembly SIMD is not available in this runtime');
  const arenas = new WeakMap<ArrayBufferLike, Bound>();
  let current: Bound | null = null;

  /** The arena all operands live in, or null when they are not views of one of our arenas. */
  function boundOf(x: Float32Array, y: Float32Array = x, z: Float32Array = x, w: Float32Array = x): Bound | null {
    const buffer = x.buffer;
    if (y.buffer !== buffer || z.buffer !== buffer || w.buffer !== buffer) return null;
    if (current !== null && current.buffer === buffer) return current;
    return arenas.get(buffer) ?? null;
  }

  /** Guards the shared memory: a wrong size would otherwise silently overwrite a neighbouring view. */
  function need(op: string, view: Float32Array, floats: number): void {
    if (view.length < floats) throw new RangeError(`${op}: an operand has ${view.length} floats, needs ${floats}`);
  }

  return {
    name: 'wasm-simd',

    createArena(floatCount: number): Arena {
      const bytes = RESERVED_LOW_BYTES + (floatCount + ALIGN_FLOATS) * 4 + OVERREAD_PAD_BYTES;
      const pages = Math.ceil(bytes / WASM_PAGE_BYTES);
      if (pages > MAX_PAGES) throw new RangeError(`arena of ${floatCount} floats exceeds WebAssembly's 4 GiB memory`);
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      const imports = { env: { memory } };
      const bound: Bound = {
        buffer: memory.buffer,
        gemm: new WebAssembly.Instance(modules.gemm, imports).exports as unknown as GemmExports,
        adam: new WebAssembly.Instance(modules.adam, imports).exports as unknown as AdamExports,
        vector: new WebAssembly.Instance(modules.vector, imports).exports as unknown as VectorExports,
      };
      arenas.set(memory.buffer, bound);
      current = bound;
      const floats = new Float32Array(memory.buffer, RESERVED_LOW_BYTES, floatCount);
      let next = 0;
      return {
        floats,
        take(count: number): Float32Array {
          const start = Math.ceil(next / ALIGN_FLOATS) * ALIGN_FLOATS;
          if (start + count > floatCount) {
            throw new RangeError(`arena exhausted: ${count} floats requested, ${Math.max(0, floatCount - start)} left of ${floatCount}`);
          }
          next = start + count;
          return floats.subarray(start, start + count);
        },
      };
    },

    gemmNT(a, b, c, m, n, k, bias) {
      const bound = boundOf(a, b, c, bias ?? a);
      if (bound === null) return fallback.gemmNT(a, b, c, m, n, k, bias);
      need('gemmNT', a, m * k); need('gemmNT', b, n * k); need('gemmNT', c, m * n);
      if (bias) need('gemmNT', bias, n);
      bound.gemm.gemmNT(a.byteOffset, b.byteOffset, c.byteOffset, m, n, k, bias ? bias.byteOffset : 0);
    },

    gemmTN(a, b, c, m, n, k) {
      const bound = boundOf(a, b, c);
      if (bound === null) return fallback.gemmTN(a, b, c, m, n, k);
      need('gemmTN', a, k * m); need('gemmTN', b, k * n); need('gemmTN', c, m * n);
      bound.gemm.gemmTN(a.byteOffset, b.byteOffset, c.byteOffset, m, n, k);
    },

    gemmNN(a, b, c, m, n, k) {
      const bound = boundOf(a, b, c);
      if (bound === null) return fallback.gemmNN(a, b, c, m, n, k);
      need('gemmNN', a, m * k); need('gemmNN', b, k * n); need('gemmNN', c, m * n);
      bound.gemm.gemmNN(a.byteOffset, b.byteOffset, c.byteOffset, m, n, k);
    },

    adam(p, g, m, v, count, lr, beta1, beta2, eps, step, wdCoupled, wdDecoupled) {
      const bound = boundOf(p, g, m, v);
      if (bound === null) return fallback.adam(p, g, m, v, count, lr, beta1, beta2, eps, step, wdCoupled, wdDecoupled);
      need('adam', p, count); need('adam', g, count); need('adam', m, count); need('adam', v, count);
      // Scalars in float64 as Python computes them; the f32 parameters round them as PyTorch's casts do.
      const stepSize = lr / (1 - beta1 ** step);
      const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
      bound.adam.adam(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, count,
        beta1, 1 - beta1, beta2, 1 - beta2, -stepSize, bias2Sqrt, eps, wdCoupled, 1 - lr * wdDecoupled);
    },

    sumSquares(x, count) {
      const bound = boundOf(x);
      if (bound === null) return fallback.sumSquares(x, count);
      need('sumSquares', x, count);
      return bound.vector.sumSquares(x.byteOffset, count);
    },

    allFinite(x, count) {
      const bound = boundOf(x);
      if (bound === null) return fallback.allFinite(x, count);
      need('allFinite', x, count);
      return bound.vector.allFinite(x.byteOffset, count) === 1;
    },

    columnSums(a, out, m, n) {
      const bound = boundOf(a, out);
      if (bound === null) return fallback.columnSums(a, out, m, n);
      need('columnSums', a, m * n); need('columnSums', out, n);
      bound.vector.columnSums(a.byteOffset, out.byteOffset, m, n);
    },

    deadColumns(a, m, n) {
      const bound = boundOf(a);
      if (bound === null) return fallback.deadColumns(a, m, n);
      need('deadColumns', a, m * n);
      return bound.vector.deadColumns(a.byteOffset, m, n);
    },

    activationForward(code, z, out, count) {
      const bound = boundOf(z, out);
      if (bound === null) return fallback.activationForward(code, z, out, count);
      need('activationForward', z, count); need('activationForward', out, count);
      switch (code) {
        case ActivationCode.Relu:
          bound.vector.reluForward(z.byteOffset, out.byteOffset, count);
          return true;
        case ActivationCode.LeakyRelu:
          bound.vector.leakyForward(z.byteOffset, out.byteOffset, count, LEAKY_RELU_SLOPE);
          return true;
        default:
          return false; // transcendental activations stay on Math.* for bit-exact results.
      }
    },

    activationBackward(code, z, grad, count) {
      const bound = boundOf(z, grad);
      if (bound === null) return fallback.activationBackward(code, z, grad, count);
      need('activationBackward', z, count); need('activationBackward', grad, count);
      switch (code) {
        case ActivationCode.Relu:
          bound.vector.reluBackward(z.byteOffset, grad.byteOffset, count);
          return true;
        case ActivationCode.LeakyRelu:
          bound.vector.leakyBackward(z.byteOffset, grad.byteOffset, count, LEAKY_RELU_SLOPE);
          return true;
        default:
          return false;
      }
    },
  };
}
