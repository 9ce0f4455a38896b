import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernels } from '../../../src/engine/kernels';
import { createWasmKernels } from '../../../src/engine/wasm/wasmKernels';
import { filled, firstMismatch, refNN, refNT, refTN, type Reference } from './reference';

/** Fails loudly if the wasm kernels ever route an arena view to the fallback. */
const noFallback = new Proxy({}, { get: (_t, key) => () => assert.fail(`unexpected fallback call: ${String(key)}`) }) as Kernels;

/** Odd sizes on purpose: not multiples of the 2×4 / 4×8 tiles or the 4-lane vectors, plus 1 and larger-than-tile. */
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 17, 33, 130];
const SHAPES: [number, number, number][] = [];
for (const m of [1, 3, 17, 130]) for (const n of [1, 5, 9, 130]) for (const k of [1, 3, 4, 17, 130]) SHAPES.push([m, n, k]);
for (const s of SIZES) SHAPES.push([s, s, s]);
SHAPES.push([32, 128, 64], [40, 72, 300], [31, 10, 129]);
// Long k: many k iterations per tile, and NT's masked remainder after a long vector loop.
SHAPES.push([5, 9, 701], [3, 9, 2100]);

function describeMismatch(name: string, got: Float32Array, ref: Reference, index: number, n: number): string {
  return `${name}: C[${Math.floor(index / n)}][${index % n}] = ${got[index]} but float64 gives ${ref.value[index]}`;
}

/**
 * The GEMM checks, as a suite body: gemm.test.ts runs them on the modules as V8 compiles them by
 * default (baseline tier first), gemmOptimized.test.ts on the TurboFan-compiled ones the product uses.
 */
export function gemmChecks(): void {
  const kernels = createWasmKernels(noFallback);
  const maxFloats = 3 * 130 * 300 + 4096;
  const arena = kernels.createArena(maxFloats);
  // Operands at the very END of the arena, so the kernels' over-reads hit the memory's padding.
  function views(sizeA: number, sizeB: number, sizeC: number, sizeBias: number) {
    const all = arena.floats;
    const end = all.length;
    const c = all.subarray(end - sizeC);
    const bias = all.subarray(end - sizeC - sizeBias - 4, end - sizeC - 4);
    const b = all.subarray(end - sizeC - sizeBias - 8 - sizeB, end - sizeC - sizeBias - 8);
    const a = all.subarray(end - sizeC - sizeBias - 12 - sizeB - sizeA, end - sizeC - sizeBias - 12 - sizeB);
    return { a, b, c, bias };
  }

  test('gemmNT (C = A·Bᵀ + bias) equals the float64 product, with and without bias', () => {
    for (const [m, n, k] of SHAPES) {
      for (const withBias of [false, true]) {
        const { a, b, c, bias } = views(m * k, n * k, m * n, n);
        filled(m * k, m * 7 + k, a); filled(n * k, n * 13 + k, b); filled(n, n, bias);
        c.fill(Number.NaN); // every element must be overwritten
        kernels.gemmNT(a, b, c, m, n, k, withBias ? bias : null);
        const ref = refNT(a, b, m, n, k, withBias ? bias : null);
        const bad = firstMismatch(c, ref, k);
        assert.equal(bad, -1, bad < 0 ? '' : describeMismatch(`NT ${m}×${n}×${k} bias=${withBias}`, c, ref, bad, n));
      }
    }
  });

  test('gemmTN (C = Aᵀ·B) equals the float64 product', () => {
    for (const [m, n, k] of SHAPES) {
      const { a, b, c } = views(k * m, k * n, m * n, 0);
      filled(k * m, m + k * 3, a); filled(k * n, n * 5 + k, b);
      c.fill(Number.NaN);
      kernels.gemmTN(a, b, c, m, n, k);
      const ref = refTN(a, b, m, n, k);
      const bad = firstMismatch(c, ref, k);
      assert.equal(bad, -1, bad < 0 ? '' : describeMismatch(`TN ${m}×${n}×${k}`, c, ref, bad, n));
    }
  });

  test('gemmNN (C = A·B) equals the float64 product', () => {
    for (const [m, n, k] of SHAPES) {
      const { a, b, c } = views(m * k, k * n, m * n, 0);
      filled(m * k, m * 11 + k, a); filled(k * n, n + k * 17, b);
      c.fill(Number.NaN);
      kernels.gemmNN(a, b, c, m, n, k);
      const ref = refNN(a, b, m, n, k);
      const bad = firstMismatch(c, ref, k);
      assert.equal(bad, -1, bad < 0 ? '' : describeMismatch(`NN ${m}×${n}×${k}`, c, ref, bad, n));
    }
  });

  test('kernels write only C: the floats around C are untouched', () => {
    const [m, n, k] = [5, 9, 7];
    const all = arena.floats;
    const a = filled(m * k, 1, all.subarray(0, m * k));
    const b = filled(n * k, 2, all.subarray(64, 64 + n * k));
    const guardBefore = all.subarray(200, 204).fill(123);
    const c = all.subarray(204, 204 + m * n);
    const guardAfter = all.subarray(204 + m * n, 204 + m * n + 8).fill(456);
    kernels.gemmNT(a, b, c, m, n, k, null);
    kernels.gemmTN(a.subarray(0, k * m), b.subarray(0, k * n), c, m, n, k);
    kernels.gemmNN(a, b.subarray(0, k * n), c, m, n, k);
    assert.deepEqual([...guardBefore], [123, 123, 123, 123]);
    assert.deepEqual([...guardAfter], Array(8).fill(456));
  });

  test('an undersized operand is a RangeError, not a silent overwrite', () => {
    const all = arena.floats;
    assert.throws(() => kernels.gemmNN(all.subarray(0, 6), all.subarray(8, 14), all.subarray(16, 19), 2, 2, 3), RangeError);
  });
}
