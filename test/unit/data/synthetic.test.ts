import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/rng';
import { loadDataset } from '../../../src/data/load';
import { SYNTHETIC_GENERATORS, syntheticTable } from '../../../src/data/synthetic';
import { blobs } from '../../../src/data/synthetic/blobs';
import { circles } from '../../../src/data/synthetic/circles';
import { moons } from '../../../src/data/synthetic/moons';
import { spiral } from '../../../src/data/synthetic/spiral';
import { xor } from '../../../src/data/synthetic/xor';
import type { SyntheticPoints } from '../../../src/data/synthetic/points';
import { configFor } from './configFor';
import { rejectsWithDataError } from './testKit';

const rng = (seed = 1): Rng => Rng.forRun(seed).stream('synthetic');

/** Fraction of points whose label differs from `rule(x, y)`. */
function disagreement(p: SyntheticPoints, rule: (x: number, y: number) => number): number {
  let wrong = 0;
  p.labels.forEach((label, i) => (wrong += label === rule(p.x1[i]!, p.x2[i]!) ? 0 : 1));
  return wrong / p.labels.length;
}

describe('synthetic datasets', () => {
  for (const name of Object.keys(SYNTHETIC_GENERATORS)) {
    test(`${name}: samples rows of 2 features through the same split and standardization, deterministic by seed`, async () => {
      const load = (seed: number) => loadDataset(configFor({ source: name, synthetic: { samples: 300, noise: 0.2 } }, seed), process.cwd());
      const [a, b, c] = await Promise.all([load(3), load(3), load(4)]);
      assert.equal(a.train.rows + a.validation.rows, 300);
      assert.deepEqual(a.featureNames, ['x1', 'x2']);
      assert.deepEqual(a.classes, name === 'blobs' ? ['0', '1', '2'] : ['0', '1']);
      assert.ok(a.origin.startsWith(`${name} (synthetic`));
      assert.deepEqual(a.train.x, b.train.x);
      assert.deepEqual(a.validation.y, b.validation.y);
      assert.notDeepEqual(a.train.x, c.train.x);
      // Standardized with training statistics: training features have mean ~0 and std ~1.
      for (let f = 0; f < 2; f++) {
        const v = Array.from({ length: a.train.rows }, (_, r) => a.train.x[r * 2 + f]!);
        const mean = v.reduce((s, t) => s + t, 0) / v.length;
        const std = Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / v.length);
        assert.ok(Math.abs(mean) < 1e-5 && Math.abs(std - 1) < 1e-5, `feature ${f}: mean ${mean}, std ${std}`);
      }
      // Rows are shuffled once: the file order is not class by class.
      const table = syntheticTable(name, 300, 0.2, rng());
      const labels = table.columns[2]!;
      assert.ok(labels.kind === 'text');
      if (labels.kind !== 'text') return;
      let changes = 0;
      for (let i = 1; i < 300; i++) changes += labels.codes[i] !== labels.codes[i - 1] ? 1 : 0;
      assert.ok(changes > 50, `${changes} label changes`);
    });
  }

  test('moons without noise lie exactly on the two half circles (sklearn make_moons)', () => {
    const p = moons(101, 0, rng());
    p.labels.forEach((label, i) => {
      const [x, y] = [p.x1[i]!, p.x2[i]!];
      const r = label === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      assert.ok(Math.abs(r - 1) < 1e-12, `point ${i}`);
      assert.ok(label === 0 ? y >= -1e-12 : y <= 0.5 + 1e-12);
    });
    const noisy = moons(1000, 0.2, rng());
    const offCurve = Array.from(noisy.labels, (label, i) =>
      Math.abs((label === 0 ? Math.hypot(noisy.x1[i]!, noisy.x2[i]!) : Math.hypot(noisy.x1[i]! - 1, noisy.x2[i]! - 0.5)) - 1),
    );
    assert.ok(offCurve.reduce((s, d) => s + d, 0) / offCurve.length > 0.1);
  });

  test('circles and xor: noise 0 gives labels that follow the rule exactly; noise flips some (TF Playground)', () => {
    const inside = (x: number, y: number): number => (Math.hypot(x, y) < 2.5 ? 1 : 0);
    const sameSign = (x: number, y: number): number => (x * y >= 0 ? 1 : 0);
    assert.equal(disagreement(circles(1000, 0, rng()), inside), 0);
    assert.equal(disagreement(xor(1000, 0, rng()), sameSign), 0);
    const noisyCircles = disagreement(circles(2000, 0.5, rng()), inside);
    const noisyXor = disagreement(xor(2000, 0.5, rng()), sameSign);
    assert.ok(noisyCircles > 0.02 && noisyCircles < 0.5, `circles ${noisyCircles}`);
    assert.ok(noisyXor > 0.02 && noisyXor < 0.5, `xor ${noisyXor}`);
    // The padding keeps noise-free xor points 0.3 away from the axes.
    const p = xor(500, 0, rng());
    assert.ok(p.x1.every((v) => Math.abs(v) >= 0.3) && p.x2.every((v) => Math.abs(v) >= 0.3));
  });

  test('spiral: radius grows to 5 along each arm; noise moves points off the arm', () => {
    const clean = spiral(200, 0, rng());
    const radii = Array.from(clean.x1, (x, i) => Math.hypot(x, clean.x2[i]!));
    // Class 0 is the first 100 points: radius 5 i / 100.
    for (let i = 0; i < 100; i++) assert.ok(Math.abs(radii[i]! - (5 * i) / 100) < 1e-12);
    const noisy = spiral(200, 0.5, rng());
    const moved = Array.from(noisy.x1, (x, i) => Math.hypot(x - clean.x1[i]!, noisy.x2[i]! - clean.x2[i]!));
    assert.ok(Math.max(...moved) > 0.2 && Math.max(...moved) <= 0.5 * Math.SQRT2 + 1e-12);
  });

  test('blobs: three classes whose spread is 0.5 + 7 * noise', () => {
    for (const noise of [0, 0.1]) {
      const p = blobs(3000, noise, rng());
      assert.deepEqual([0, 1, 2].map((c) => p.labels.filter((l) => l === c).length), [1000, 1000, 1000]);
      const xs = Array.from(p.x1).filter((_, i) => p.labels[i] === 0);
      const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
      const expected = 0.5 + 7 * noise;
      assert.ok(Math.abs(std - expected) < 0.1 * expected, `noise ${noise}: std ${std}, expected ${expected}`);
    }
  });

  test('sample sizes split evenly over classes, odd counts included', () => {
    for (const [generator, classes] of [[spiral, 2], [moons, 2], [circles, 2], [blobs, 3]] as const) {
      const p = generator(101, 0, rng()); // noise 0: circles labels follow the halves exactly
      assert.equal(p.labels.length, 101);
      const counts = Array.from({ length: classes }, (_, c) => p.labels.filter((l) => l === c).length);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, String(counts));
    }
  });

  test('bad synthetic settings are clear errors', async () => {
    await rejectsWithDataError(loadDataset(configFor({ source: 'moons', synthetic: { samples: 3, noise: 0.1 } }), process.cwd()), ['data.synthetic.samples']);
    await rejectsWithDataError(loadDataset(configFor({ source: 'moons', synthetic: { samples: 100, noise: -1 } }), process.cwd()), ['data.synthetic.noise']);
  });
});

test('the smallest synthetic set the schema allows (4 samples) loads, blobs included', async () => {
  for (const name of Object.keys(SYNTHETIC_GENERATORS)) {
    const ds = await loadDataset(configFor({ source: name, synthetic: { samples: 4, noise: 0 } }), process.cwd());
    assert.equal(ds.train.rows + ds.validation.rows, 4, name);
    assert.ok(ds.train.rows >= 2, name);
  }
});
