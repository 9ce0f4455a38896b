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
 *
 * Only under plain Node: the CLI, and the extension host of a remote or browser VS Code (Remote-SSH,
 * code-server), which is Node. An embedder may freeze V8's flags after start-up, and changing a
 * frozen flag aborts the process (NW.js: "Check failed: !IsFrozen()"); desktop VS Code's extension
 * host runs on Electron, so there the kernels compile as V8 chooses, a little slower in the first
 * second, never a crash.
 */
import { setFlagsFromString } from 'node:v8';
import { compileWasmKernels, wasmSimdAvailable } from '../engine/wasm/wasmKernels';

/** True where changing V8's flags at run time is supported: Node itself, not an embedder of it. */
export function canSwitchV8Flags(versions: NodeJS.ProcessVersions = process.versions): boolean {
  return !('electron' in versions) && !('nw' in versions);
}

export function compileKernelsOptimized(): boolean {
  if (!canSwitchV8Flags()) return wasmSimdAvailable();
  return compileWasmKernels((compile) => {
    setFlagsFromString('--no-liftoff');
    try {
      compile();
    } finally {
      setFlagsFromString('--liftoff');
    }
  });
}
