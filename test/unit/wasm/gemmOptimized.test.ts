import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { canSwitchV8Flags, compileKernelsOptimized } from '../../../src/run/wasmTier';
import { gemmChecks } from './gemmChecks';

// The modules as the product compiles them (src/run/wasmTier.ts): TurboFan from the first call. Its
// own test file, so its own process: the compile tier is decided once per process.
// Flags are switched only under plain Node (an embedder such as Electron may have frozen them).
assert.equal(canSwitchV8Flags(), true, 'the tests run on plain Node');
assert.equal(canSwitchV8Flags({ ...process.versions, electron: '37.2.0' } as NodeJS.ProcessVersions), false);
const available = compileKernelsOptimized();
assert.equal(compileKernelsOptimized(), available, 'a second call is a no-op');
describe('wasm GEMM kernels, compiled by the optimizing tier', { skip: !available && 'no WebAssembly SIMD here' }, gemmChecks);
