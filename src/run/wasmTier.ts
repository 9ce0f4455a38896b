/**
 * Compiles the engine's WebAssembly kernels with V8's optimizing compiler (TurboFan) from the start:
 * the baseline compiler ran the GEMMs at 17 instead of 28-31 GFLOP/s for the first ~1.2 s of a run.
 * `--liftoff` is switched off for our compile only, and only under plain Node (the CLI, a remote or
 * browser extension host): Electron may freeze V8's flags, and changing a frozen flag aborts.
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
