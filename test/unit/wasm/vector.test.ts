import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activationByName } from '../../../src/engine/activations';
import { jsKernels } from '../../../src/engine/jsKernels';
import { ActivationCode } from '../../../src/engine/kernels';
import { createWasmKernels, wasmSimdAvailable } from '../../../src/engine/wasm/wasmKernels';
import { filled } from './reference';

/** Values that exercise every branch: signs, ±0, NaN, ±Infinity, tiny and huge. */
const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38, 0.5, -0.25];

describe('wasm vector kernels (bit-identical to the JS loops)', { skip: !wasmSimdAvailable() && 'no WebAssembly SIMD here' }, () => {
  const wasm = createWasmKernels(jsKernels);
  const arena = wasm.createArena(1 << 16);
  const view = (count: number, seed: number): Float32Array => {
    const v = filled(count, seed, arena.take(count));
    for (let i = 0; i < count; i += 7) v[i] = SPECIAL[(i / 7 + seed) % SPECIAL.length]!;
    return v;
  };

  for (const [name, code] of [['relu', ActivationCode.Relu], ['leaky-relu', ActivationCode.LeakyRelu]] as const) {
    test(`${name} forward and backward equal activations.ts bit for bit (counts 1..9, 4k and 4k+3)`, () => {
      const reference = activationByName(name);
      for (const count of [1, 2, 3, 4, 5, 8, 9, 64, 131]) {
        const z = view(count, count);
        const out = arena.take(count + 4).fill(7);
        const expected = new Float32Array(count + 4).fill(7);
        assert.equal(wasm.activationForward(code, z, out, count), true);
        reference.forward(z, expected, count);
        assert.deepEqual(out, expected, `${name} forward, count ${count}`);
        const grad = view(count, count + 1);
        const expectedGrad = Float32Array.from(grad);
        assert.equal(wasm.activationBackward(code, z, grad, count), true);
        reference.backward(z, expectedGrad, count);
        assert.deepEqual(grad, expectedGrad, `${name} backward, count ${count}`);
      }
    });
  }

  test('activations it does not implement return false and write nothing', () => {
    const z = view(8, 3);
    const out = arena.take(8).fill(5);
    for (const code of [ActivationCode.Tanh, ActivationCode.Sigmoid, ActivationCode.Gelu, ActivationCode.Linear]) {
      assert.equal(wasm.activationForward(code, z, out, 8), false);
      assert.equal(wasm.activationBackward(code, z, out, 8), false);
    }
    assert.deepEqual([...out], Array(8).fill(5));
  });

  test('columnSums equals the JS row-order float32 sums bit for bit', () => {
    for (const [m, n] of [[1, 1], [3, 5], [32, 128], [7, 10], [130, 3]] as const) {
      const a = filled(m * n, m + n, arena.take(m * n));
      const out = arena.take(n + 4).fill(9);
      const expected = new Float32Array(n + 4).fill(9);
      wasm.columnSums(a, out, m, n);
      jsKernels.columnSums(a, expected, m, n);
      assert.deepEqual(out, expected, `${m}×${n}`);
    }
  });

  test('deadColumns counts the columns with no entry > 0, as the JS scan does', () => {
    for (const [m, n] of [[1, 1], [3, 5], [32, 128], [7, 10], [130, 3]] as const) {
      const a = filled(m * n, m * n, arena.take(m * n));
      for (let i = 0; i < a.length; i++) if (a[i]! > 0.6 || i % 3 === 0) a[i] = -Math.abs(a[i]!); // kill most entries
      a[0] = NaN; // not > 0
      const expected = jsKernels.deadColumns(a, m, n);
      assert.equal(wasm.deadColumns(a, m, n), expected, `${m}×${n}`);
      let naive = 0;
      for (let j = 0; j < n; j++) {
        let alive = false;
        for (let i = 0; i < m; i++) alive ||= a[i * n + j]! > 0;
        if (!alive) naive++;
      }
      assert.equal(expected, naive, `${m}×${n} JS vs naive`);
    }
  });

  test('sumSquares equals the float64 sum (to float64 rounding) and is exact on small integers', () => {
    for (const count of [0, 1, 3, 4, 7, 1001]) {
      const x = filled(count, count + 5, arena.take(count));
      const js = jsKernels.sumSquares(x, count);
      assert.ok(Math.abs(wasm.sumSquares(x, count) - js) <= 1e-13 * js + 1e-300, `count ${count}`);
    }
    const ints = arena.take(5);
    ints.set([1, 2, 3, 4, 5]);
    assert.equal(wasm.sumSquares(ints, 5), 55);
    ints[4] = 3e19; // its square overflows float32 but not the float64 accumulator
    assert.equal(wasm.sumSquares(ints, 5), 30 + Math.fround(3e19) ** 2);
  });

  test('allFinite finds a NaN or ±Infinity anywhere, including the scalar tail', () => {
    const count = 11;
    const x = filled(count, 1, arena.take(count));
    assert.equal(wasm.allFinite(x, count), true);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 3, 4, 8, 10]) {
        const saved = x[at]!;
        x[at] = bad;
        assert.equal(wasm.allFinite(x, count), false, `${bad} at ${at}`);
        assert.equal(wasm.allFinite(x, at), true, 'only the first `count` floats count');
        x[at] = saved;
      }
    }
  });

  test('arrays outside the arena run on the fallback, with the same results', () => {
    const plain = Float32Array.from([1, -2, 3, NaN]);
    assert.equal(wasm.allFinite(plain, 4), false);
    assert.equal(wasm.sumSquares(plain, 3), 14);
  });
});
