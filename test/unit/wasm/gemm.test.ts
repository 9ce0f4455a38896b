import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsKernels } from '../../../src/engine/jsKernels';
import { createWasmKernels, wasmSimdAvailable } from '../../../src/engine/wasm/wasmKernels';
import { filled, firstMismatch, refNN, refNT } from './reference';
import { gemmChecks } from './gemmChecks';

// The modules as V8 compiles them by default: the baseline tier (Liftoff) until tier-up.
describe('wasm GEMM kernels', { skip: !wasmSimdAvailable() && 'no WebAssembly SIMD here' }, gemmChecks);

describe('wasm GEMMs on arrays outside any arena', { skip: !wasmSimdAvailable() && 'no WebAssembly SIMD here' }, () => {
  test('run on the JS fallback and give the float64 product', () => {
    const kernels = createWasmKernels(jsKernels);
    kernels.createArena(64); // an arena exists, but these operands are not its views
    const [m, n, k] = [5, 7, 9];
    const a = filled(m * k, 1);
    const b = filled(n * k, 2);
    const c = new Float32Array(m * n);
    kernels.gemmNT(a, b, c, m, n, k, null);
    assert.equal(firstMismatch(c, refNT(a, b, m, n, k, null), k), -1);
    const arena = kernels.createArena(m * k + 64);
    const mixed = arena.take(m * k);
    mixed.set(a);
    kernels.gemmNN(mixed, filled(k * n, 3), c, m, n, k); // one arena view, two plain arrays: still the fallback
    assert.equal(firstMismatch(c, refNN(mixed, filled(k * n, 3), m, n, k), k), -1);
  });
});
