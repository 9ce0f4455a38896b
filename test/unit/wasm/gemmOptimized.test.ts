import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { compileKernelsOptimized } from '../../../src/run/wasmTier';
import { gemmChecks } from './gemmChecks';

// The modules as the product compiles them (src/run/wasmTier.ts): TurboFan from the first call. Its
// own test file, so its own process: the compile tier is decided once per process.
const available = compileKernelsOptimized();
assert.equal(compileKernelsOptimized(), available, 'a second call is a no-op');
describe('wasm GEMM kernels, compiled by the optimizing tier', { skip: !available && 'no WebAssembly SIMD here' }, gemmChecks);
