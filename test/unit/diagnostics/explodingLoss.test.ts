import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticsSession } from '../../../src/diagnostics/session';
import type { Flag, StepStats } from '../../../src/model';
import { metrics, noise, step } from './helpers';

function run(steps: StepStats[], classes = 3): Flag[] {
  const raised: Flag[] = [];
  const s = new DiagnosticsSession({ classes: Array.from({ length: classes }, (_, i) => `c${i}`) }, (f) => raised.push(f));
  for (const st of steps) s.onStep(st);
  return raised;
}

/** A healthy noisy descent from ln 3 to ~0.2 over 300 steps, 20 steps per epoch. */
function healthy(n = 300, seed = 1): StepStats[] {
  const rnd = noise(seed);
  return Array.from({ length: n }, (_, i) => {
    const loss = (0.2 + 0.9 * Math.exp(-i / 60)) * (0.6 + 0.8 * rnd());
    return step(i + 1, loss, { epoch: Math.floor(i / 20) + 1, batch: i % 20, gradNorm: 1 + rnd() });
  });
}

describe('exploding loss (per step)', () => {
  test('quiet on a healthy, noisy descent', () => {
    for (const seed of [1, 2, 3]) assert.deepEqual(run(healthy(300, seed)), [], `seed ${seed}`);
  });

  test('one step 30 ln C off is a warning; 1000 ln C off escalates it to an error', () => {
    const steps = [step(1, 70.8, { epoch: 1, batch: 0 }), step(2, 345_019, { epoch: 1, batch: 1 }), step(3, 1.1, { epoch: 1, batch: 2 })];
    const flags = run(steps).filter((f) => f.kind === 'exploding-loss');
    assert.deepEqual(flags.map((f) => [f.severity, f.evidence['reason']]), [['warning', 'extreme-step'], ['error', 'blown-up-step']]);
    assert.match(flags[1]!.message, /trails the largest by about 3\.45e\+5 units/);
  });

  test('a log that does not say how many classes: a loss beyond any classifier\'s chance level still explodes', () => {
    // What a foreign log (no class count) showed on raw wine features at SGD 0.1: the loss starts
    // at 15.6, jumps to tens of thousands, and the network dies at chance level after that.
    const rnd = noise(4);
    const raw = [15.6, 2400, 29_700, ...Array.from({ length: 60 }, () => 1.0986 + 0.001 * rnd())];
    const flags = run(raw.map((loss, i) => step(i + 1, loss, { epoch: Math.floor(i / 10) + 1, batch: i % 10 })), 0).filter((f) => f.kind === 'exploding-loss');
    const errors = flags.filter((f) => f.severity === 'error');
    // Raised as a warning at step 2 (2,400: 192× the bound), escalated to an error at step 3 (29,700).
    assert.deepEqual(errors.map((f) => [f.step, f.evidence['escalatedStep'], f.evidence['reason']]), [[2, 3, 'blown-up-step']]);
    assert.match(errors[0]!.message, /above the starting loss of any classifier \(this log does not say how many classes it has; 12\.5 is ln 262,144/);
    assert.doesNotMatch(errors[0]!.message, /guessing uniformly among 262,144 classes/);
    assert.equal(errors[0]!.evidence['chanceLoss'], null);
    // A language model's first steps (about ln of its 50,257-token vocabulary) and a steady
    // descent raise nothing, though no class count bounds them.
    const lm = Array.from({ length: 200 }, (_, i) => step(i + 1, (2.5 + 8.3 * Math.exp(-i / 40)) * (0.95 + 0.1 * rnd()), { epoch: Math.floor(i / 50) + 1, batch: i % 50 }));
    assert.deepEqual(run(lm, 0), []);
  });

  test('a NaN loss is an error naming the first step and batch', () => {
    const steps = healthy(120);
    steps[87] = { ...steps[87]!, loss: NaN };
    const flags = run(steps).filter((f) => f.kind === 'exploding-loss');
    const f = flags.find((x) => x.severity === 'error')!;
    assert.equal(f.step, 88);
    assert.equal(f.epoch, 5);
    assert.equal(f.evidence['batch'], 7);
    assert.equal(f.evidence['onsetStep'], 88);
    // Issue 14: "step 88 (epoch 5, batch 7)" read as a contradiction (the batch counts from 0); the batch stays in the evidence.
    assert.match(f.message, /step 88 \(in epoch 5\)/);
    assert.ok(f.fix?.some((x) => x.edits.some((e) => e.path === 'optimizer.learningRate' && Math.abs((e.value as number) - 0.0001) < 1e-12)));
    assert.ok(f.fix?.some((x) => x.edits.some((e) => e.path === 'training.gradientClip')));
  });

  test('a spike against the best running level: warning within a few steps, onset at the jump', () => {
    const steps = healthy(200).map((s, i) => (i >= 150 ? { ...s, loss: 2.5 + 0.1 * (i - 150) } : s));
    const f = run(steps).find((x) => x.kind === 'exploding-loss')!;
    assert.ok(f, 'raised');
    assert.equal(f.evidence['onsetStep'], 151);
    assert.ok(f.step! >= 151 && f.step! <= 155, `raised at ${f.step}`);
  });

  test('one bad batch is not a spike (robust median level)', () => {
    const steps = healthy(200);
    steps[150] = { ...steps[150]!, loss: 9 };
    assert.deepEqual(run(steps), []);
  });

  test('a climb far above chance after learning is an error (divergence)', () => {
    const steps = healthy(200).map((s, i) => (i >= 150 ? { ...s, loss: 5 + i } : s));
    const flags = run(steps).filter((f) => f.kind === 'exploding-loss');
    assert.equal(flags[flags.length - 1]!.severity, 'error');
    assert.equal(flags[flags.length - 1]!.evidence['reason'], 'far-above-chance');
  });

  test('a gradient-norm blow-up is a warning', () => {
    const steps = healthy(200).map((s, i) => (i >= 150 ? { ...s, gradNorm: 200 } : s));
    const f = run(steps).find((x) => x.kind === 'exploding-loss')!;
    assert.equal(f.evidence['reason'], 'gradient-blow-up');
    assert.ok(f.step! <= 155);
  });

  test('logs with epochs only: a non-finite training loss is an error at that epoch', () => {
    const raised: Flag[] = [];
    const s = new DiagnosticsSession({}, (f) => raised.push(f));
    s.onEpoch({ metrics: metrics(1, 1.0, 1.0) });
    s.onEpoch({ metrics: metrics(2, 0.8, 0.9) });
    s.onEpoch({ metrics: metrics(3, NaN, NaN) });
    const f = raised.find((x) => x.kind === 'exploding-loss')!;
    assert.equal(f.severity, 'error');
    assert.equal(f.epoch, 3);
  });
});
