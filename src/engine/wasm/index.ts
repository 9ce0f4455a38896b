/**
 * The engine's kernel choice: the WebAssembly SIMD kernels where the runtime supports them (Node 16.4+,
 * worker threads, the VS Code extension host), the plain-TypeScript reference otherwise. Both give the
 * same numbers to float32 rounding (test/unit/wasm), so the choice changes speed, never results.
 */
import { jsKernels } from '../jsKernels';
import type { Kernels } from '../kernels';
import { createWasmKernels, wasmSimdAvailable } from './wasmKernels';

export { createWasmKernels, wasmSimdAvailable } from './wasmKernels';

/** The fastest kernels available here. Cheap: the WebAssembly modules are compiled once per process. */
export function createKernels(): Kernels {
  return wasmSimdAvailable() ? createWasmKernels(jsKernels) : jsKernels;
}
