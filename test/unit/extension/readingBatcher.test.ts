import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ReadingBatcher, thinSteps, MIN_BATCH_INTERVAL_MS, type ReadingBatch } from '../../../src/worker/readingBatcher';
import { Throttle } from '../../../src/views/throttle';
import type { EpochMetrics, StepStats } from '../../../src/model';

const step = (i: number, loss = 1 / i): StepStats => ({ step: i, epoch: 1, batch: i - 1, loss, gradNorm: 1, layerGradNorms: [1], deadFractions: [0], learningRate: 0.01, timeMs: 0.1 });
const epoch = (e: number): EpochMetrics => ({ epoch: e, trainLoss: 1 / e, valLoss: 1 / e, trainAccuracy: 0.5, valAccuracy: 0.5, learningRate: 0.01, gradNorm: 1, timeMs: 10 });

describe('ReadingBatcher', () => {
  test('emits at most one batch per interval however fast readings come, and flush emits the rest', () => {
    let now = 0;
    const batches: ReadingBatch[] = [];
    const batcher = new ReadingBatcher((b) => batches.push(b), { now: () => now, maxStepsPerBatch: 10_000 });
    // 10,000 steps over one simulated second (a step every 0.1 ms).
    for (let i = 1; i <= 10_000; i++) {
      now = i * 0.1;
      batcher.addStep(step(i));
    }
    batcher.flush();
    // 1000 ms / 50 ms = 20 intervals, plus the first reading (flushed at once) and the final flush.
    assert.ok(batches.length <= 1000 / MIN_BATCH_INTERVAL_MS + 2, `${batches.length} batches`);
    assert.ok(batches.length >= 1000 / MIN_BATCH_INTERVAL_MS - 1, `${batches.length} batches`);
    // No batch is empty, and the last step is always delivered.
    assert.ok(batches.every((b) => b.steps.length + b.epochs.length > 0));
    assert.equal(batches.at(-1)!.steps.at(-1)!.step, 10_000);
    assert.equal(batches.reduce((n, b) => n + b.steps.length, 0), 10_000, 'below the thinning cap nothing is dropped');
  });

  test('never drops an epoch, and keeps order', () => {
    let now = 0;
    const epochs: number[] = [];
    const batcher = new ReadingBatcher((b) => epochs.push(...b.epochs.map((e) => e.epoch)), { now: () => now, maxStepsPerBatch: 5 });
    for (let e = 1; e <= 100; e++) {
      for (let i = 0; i < 50; i++) batcher.addStep(step(e * 50 + i));
      batcher.addEpoch(epoch(e));
      now += 3; // faster than the interval
    }
    batcher.flush();
    assert.deepEqual(
      epochs,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  test('thinning keeps the highest-loss step of each bucket, and non-finite losses win', () => {
    const steps = Array.from({ length: 100 }, (_, i) => step(i + 1, 0.5));
    steps[37] = step(38, 9); // a spike
    steps[80] = step(81, NaN); // a divergence
    const kept = thinSteps(steps, 10);
    assert.equal(kept.length, 10);
    assert.ok(kept.some((s) => s.step === 38));
    assert.ok(kept.some((s) => s.step === 81 && Number.isNaN(s.loss)));
    // Order is preserved.
    assert.deepEqual(
      kept.map((s) => s.step),
      [...kept.map((s) => s.step)].sort((a, b) => a - b),
    );
    assert.equal(thinSteps(steps.slice(0, 4), 10).length, 4);
  });
});

describe('Throttle', () => {
  test('runs at once, then defers calls inside the interval to one trailing call', async () => {
    let now = 0;
    let calls = 0;
    const t = new Throttle(() => calls++, 20, () => now);
    t.schedule();
    assert.equal(calls, 1);
    now = 5;
    t.schedule();
    t.schedule();
    t.schedule();
    assert.equal(calls, 1);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(calls, 2);
    t.dispose();
  });
});
