import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsKernels } from '../../../src/engine/jsKernels';
import { Rng } from '../../../src/rng';

const SIZES = [1, 3, 4, 5, 8, 13];

function random(count: number, rng: Rng): Float32Array {
  const a = new Float32Array(count);
  for (let i = 0; i < count; i++) a[i] = rng.normal();
  return a;
}

/** Naive triple loop: C[i][j] = Σ_p A(i,p)·B(p,j) with accessors for each layout. */
function naive(m: number, n: number, k: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number, bias?: Float32Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j]! : 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      c[i * n + j] = s;
    }
  }
  return c;
}

function assertClose(actual: Float32Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length >= expected.length, true);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-5 * (1 + Math.abs(expected[i]!)), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('jsKernels GEMMs against a naive triple loop (odd sizes, edges of the 4×4 tiles)', () => {
  const rng = Rng.forRun(1).stream('gemm');
  for (const m of SIZES) {
    for (const n of SIZES) {
      for (const k of [1, 6, 7]) {
        test(`m=${m} n=${n} k=${k}`, () => {
          const arena = jsKernels.createArena(4 * (m * k + n * k + m * n + n) + 64);
          const c = arena.take(m * n);
          // gemmNT: A[m×k] · B[n×k]ᵀ + bias
          const a = arena.take(m * k);
          a.set(random(m * k, rng));
          const b = arena.take(n * k);
          b.set(random(n * k, rng));
          const bias = arena.take(n);
          bias.set(random(n, rng));
          jsKernels.gemmNT(a, b, c, m, n, k, bias);
          assertClose(c, naive(m, n, k, (i, p) => a[i * k + p]!, (p, j) => b[j * k + p]!, bias), 'gemmNT');
          jsKernels.gemmNT(a, b, c, m, n, k, null);
          assertClose(c, naive(m, n, k, (i, p) => a[i * k + p]!, (p, j) => b[j * k + p]!), 'gemmNT without bias');
          // gemmTN: A[k×m]ᵀ · B[k×n]  (reuse a as [k×m], b as [k×n])
          jsKernels.gemmTN(a, b, c, m, n, k);
          assertClose(c, naive(m, n, k, (i, p) => a[p * m + i]!, (p, j) => b[p * n + j]!), 'gemmTN');
          // gemmNN: A[m×k] · B[k×n]
          jsKernels.gemmNN(a, b, c, m, n, k);
          assertClose(c, naive(m, n, k, (i, p) => a[i * k + p]!, (p, j) => b[p * n + j]!), 'gemmNN');
        });
      }
    }
  }
});

describe('jsKernels.adam', () => {
  test('matches the torch.optim.Adam/AdamW formulas step by step', () => {
    const rng = Rng.forRun(2).stream('adam');
    const count = 11;
    const arena = jsKernels.createArena(4 * 16);
    const p = arena.take(count);
    const g = arena.take(count);
    const m = arena.take(count);
    const v = arena.take(count);
    p.set(random(count, rng));
    const ref = { p: Float64Array.from(p), m: new Float64Array(count), v: new Float64Array(count) };
    const [lr, b1, b2, eps, wdc, wdd] = [0.01, 0.9, 0.99, 1e-8, 0.1, 0.05];
    for (let t = 1; t <= 5; t++) {
      g.set(random(count, rng));
      jsKernels.adam(p, g, m, v, count, lr, b1, b2, eps, t, wdc, wdd);
      for (let i = 0; i < count; i++) {
        const grad = g[i]! + wdc * ref.p[i]!;
        ref.m[i] = b1 * ref.m[i]! + (1 - b1) * grad;
        ref.v[i] = b2 * ref.v[i]! + (1 - b2) * grad * grad;
        ref.p[i] = ref.p[i]! * (1 - lr * wdd);
        const mHat = ref.m[i]! / (1 - b1 ** t);
        const vHat = ref.v[i]! / (1 - b2 ** t);
        ref.p[i] = ref.p[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    }
    for (let i = 0; i < count; i++) assert.ok(Math.abs(p[i]! - ref.p[i]!) < 1e-6, `p[${i}] ${p[i]} vs ${ref.p[i]}`);
  });

  test('arena views are 16-byte aligned and the arena refuses to overflow', () => {
    const arena = jsKernels.createArena(20);
    const a = arena.take(3);
    const b = arena.take(5);
    assert.equal(a.byteOffset % 16, 0);
    assert.equal(b.byteOffset % 16, 0);
    assert.throws(() => arena.take(16), /arena exhausted/);
  });
});
