/**
 * Compiles the engine's WebAssembly kernels with V8's optimizing compiler (TurboFan) from the start.
 *
 * By default V8 compiles WebAssembly with its baseline compiler (Liftoff) and tiers a function up
 * only after it has used up a budget of work. For the GEMM kernels that took about 1.2 s of training
 * (some 400 calls of the W2 first-layer GEMM), during which they ran at 17 GFLOP/s instead of 28-31
 * (measured on this machine, one CPU): most of a typical run in the editor. Compiling the three small
 * modules with TurboFan directly costs a few milliseconds.
 *
 * V8 reads `--liftoff` when a module is compiled, so the flag is switched off for our synchronous
 * compile only and switched back at once; other modules of the process (other extensions in the
 * extension host) compile as before.
 */
import { setFlagsFromString } from 'node:v8';
import { compileWasmKernels } from '../engine/wasm/wasmKernels';

export function compileKernelsOptimized(): boolean {
  return compileWasmKernels((compile) => {
    setFlagsFromString('--no-liftoff');
    try {
      compile();
    } finally {
      setFlagsFromString('--liftoff');
    }
  });
}
