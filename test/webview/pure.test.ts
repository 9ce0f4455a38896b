/**
 * The dashboard's pure numerics (no browser): the incremental min-max downsampler against a fresh
 * one and against the full series' envelope, and the incremental debiased EMA against the formula.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MinMaxDownsampler, minMaxDownsample } from '../../webview/dashboard/downsample';
import { DebiasedEma, debiasedEma } from '../../webview/dashboard/smoothing';
import { referenceSmoothing, rng } from './fixtures';

function series(n: number, seed: number): { xs: Float64Array; ys: Float64Array } {
  const random = rng(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = i + 1;
    ys[i] = Math.sin(i / 300) + random() * 0.5;
  }
  ys[1234] = 40;
  ys[4321] = Number.NaN;
  ys[9000] = -7;
  return { xs, ys };
}

describe('min-max downsampling', () => {
  test('incremental updates equal downsampling the whole series afresh, batch after batch', () => {
    const { xs, ys } = series(20_000, 3);
    const sampler = new MinMaxDownsampler(300, false);
    const random = rng(9);
    for (let length = 1; length <= xs.length; length += 1 + Math.floor(random() * 400)) {
      assert.deepEqual(sampler.update(xs, ys, length), minMaxDownsample(xs, ys, length, 300, false), `length ${length}`);
    }
  });

  test('keeps the envelope: every bucket keeps its min and max; NaN stays a gap; x sorted', () => {
    const { xs, ys } = series(20_000, 4);
    const points = minMaxDownsample(xs, ys, xs.length, 300, false);
    assert.ok(points.length <= 3 * 157 && points.length >= 150, `${points.length} points`);
    const finite = [...ys].filter(Number.isFinite);
    const kept = points.map((p) => p.y).filter((y): y is number => y !== null);
    assert.equal(Math.max(...kept), 40);
    assert.equal(Math.min(...kept), Math.min(...finite));
    assert.equal(Math.min(...kept), -7);
    assert.deepEqual(points.filter((p) => p.y === null).map((p) => p.x), [4322]);
    for (let i = 1; i < points.length; i++) assert.ok(points[i]!.x > points[i - 1]!.x);
    // Per 128-wide bucket (the smallest power of two >= 19999/300), the kept extremes are the true ones.
    for (let start = 0; start < xs.length; start += 128) {
      const inBucket = points.filter((p) => p.x - 1 >= start && p.x - 1 < start + 128 && p.y !== null).map((p) => p.y as number);
      const truth = [...ys.subarray(start, start + 128)].filter(Number.isFinite);
      assert.equal(Math.max(...inBucket), Math.max(...truth));
      assert.equal(Math.min(...inBucket), Math.min(...truth));
    }
  });

  test('short series are drawn whole; a log x axis drops x <= 0', () => {
    const xs = Float64Array.from([0, 1, 2, 3]);
    const ys = Float64Array.from([5, Number.POSITIVE_INFINITY, 3, 2]);
    assert.deepEqual(minMaxDownsample(xs, ys, 4, 100, false), [{ x: 0, y: 5 }, { x: 1, y: null }, { x: 2, y: 3 }, { x: 3, y: 2 }]);
    assert.deepEqual(minMaxDownsample(xs, ys, 4, 100, true), [{ x: 1, y: null }, { x: 2, y: 3 }, { x: 3, y: 2 }]);
  });
});

describe('debiased EMA (TensorBoard smoothing)', () => {
  test('matches the formula; the first value is unbiased; non-finite values are skipped', () => {
    const values = [2, 4, Number.NaN, 8, Number.POSITIVE_INFINITY, 1];
    const got = [...debiasedEma(values, 0.6)].map((v) => (Number.isNaN(v) ? null : v));
    const want = referenceSmoothing(values, 0.6);
    got.forEach((v, i) => (want[i] === null ? assert.equal(v, null) : assert.ok(Math.abs(v! - want[i]!) < 1e-12)));
    // s_1 = y_1 (debiasing removes the pull to 0); s_2 = (0.6*0.4*2 + 0.4*4) / (1 - 0.36).
    assert.equal(got[0], 2);
    assert.ok(Math.abs(got[1]! - (0.6 * 0.4 * 2 + 0.4 * 4) / 0.64) < 1e-12);
    assert.deepEqual([...debiasedEma([3, 1], 0)], [3, 1]);
  });

  test('incremental extension equals smoothing from scratch; a new weight restarts', () => {
    const random = rng(5);
    const ys = Float64Array.from({ length: 5000 }, () => random());
    const ema = new DebiasedEma(0.9);
    for (const length of [1, 10, 11, 700, 5000]) {
      const got = ema.extend(ys, length, 0.9).slice(0, length);
      assert.deepEqual(got, debiasedEma(ys.subarray(0, length), 0.9));
    }
    assert.deepEqual(ema.extend(ys, 5000, 0.5).slice(0, 5000), debiasedEma(ys, 0.5));
  });
});
