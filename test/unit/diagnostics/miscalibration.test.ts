import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticsSession } from '../../../src/diagnostics/session';
import type { Flag, SplitOutputs } from '../../../src/model';
import { config, metrics, noise, softmaxOutputs } from './helpers';

/** 400 rows, 3 classes: the model's logits put `margin` on its pick; labels agree with the pick with probability `hit`. */
function outputs(margin: number, hit: number, seed: number): SplitOutputs {
  const rnd = noise(seed);
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 400; i++) {
    const pick = i % 3;
    const m = margin * (0.5 + rnd());
    logits.push([0, 1, 2].map((k) => (k === pick ? m : 0)));
    labels.push(rnd() < hit ? pick : (pick + 1 + Math.floor(rnd() * 2)) % 3);
  }
  return softmaxOutputs(logits, labels);
}

/** A settled run: validation loss flat from epoch 1, so live judgement is allowed from epoch 5. */
function run(o: SplitOutputs, epochs: number, cfg = config()): { flags: Flag[]; session: DiagnosticsSession } {
  const flags: Flag[] = [];
  const session = new DiagnosticsSession({ classes: ['a', 'b', 'c'], config: cfg }, (f) => flags.push(f));
  for (let e = 1; e <= epochs; e++) session.onEpoch({ metrics: metrics(e, 0.5, 0.6, 0.8), validation: o });
  session.finish(o);
  return { flags: flags.filter((f) => f.kind === 'miscalibration'), session };
}

describe('miscalibration', () => {
  test('overconfident model: flagged live after persisting, direction overconfident, T > 1, how sure in evidence', () => {
    // Margin 6 -> confidence ~0.99 while right 70% of the time.
    const { flags, session } = run(outputs(6, 0.7, 1), 10);
    const f = flags[0]!;
    assert.equal(f.evidence['direction'], 'overconfident');
    assert.equal(f.severity, 'warning');
    assert.equal(f.epoch, 7, 'minEpochs 5 + persistEpochs 3 -> epochs 5, 6, 7');
    assert.equal(f.evidence['onsetEpoch'], 5);
    assert.ok((f.evidence['temperature'] as number) > 1);
    assert.ok((f.evidence['pValue'] as number) < 0.01);
    assert.ok((f.evidence['eceAfterTemperature'] as number) < (f.evidence['ece'] as number));
    assert.match(f.message, /divide the logits by/);
    const cal = session.calibration()!;
    assert.equal(cal.bins.length, 15);
    assert.ok(cal.temperature > 1);
  });

  test('a calibrated model is not flagged (sampling noise)', () => {
    // Labels drawn from the model's own probabilities: calibrated by construction.
    const rnd = noise(9);
    const logits: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 300; i++) {
      const z = [3 * rnd(), 3 * rnd(), 3 * rnd()];
      const e = z.map(Math.exp);
      const s = e[0]! + e[1]! + e[2]!;
      const u = rnd() * s;
      labels.push(u < e[0]! ? 0 : u < e[0]! + e[1]! ? 1 : 2);
      logits.push(z);
    }
    assert.deepEqual(run(softmaxOutputs(logits, labels), 12).flags, []);
  });

  test('heavy label smoothing: underconfident, warning, names the cause and offers less smoothing', () => {
    // Margin 1.2 -> confidence ~0.6 while right 95% of the time.
    const { flags } = run(outputs(1.2, 0.95, 2), 10, config({ loss: { labelSmoothing: 0.3 } }));
    const f = flags[0]!;
    assert.equal(f.evidence['direction'], 'underconfident');
    assert.equal(f.severity, 'warning');
    assert.ok((f.evidence['temperature'] as number) < 1);
    assert.match(f.message, /Label smoothing 0.3/);
    assert.deepEqual(f.fix![0]!.edits, [{ path: 'loss.labelSmoothing', value: 0.15 }]);
  });

  test('underconfident on perfectly separated rows: T is at its limit, and the message says it is no estimate', () => {
    // Margin 1.2 -> confidence ~0.6 while right every time: sharpening never costs, T -> 0.05.
    const { flags } = run(outputs(1.2, 1, 4), 10, config({ loss: { labelSmoothing: 0.3 } }));
    const f = flags[0]!;
    assert.equal(f.evidence['direction'], 'underconfident');
    assert.equal(f.evidence['temperatureAtBound'], true);
    assert.ok(Math.abs((f.evidence['temperature'] as number) - 0.05) < 1e-3, `T ${f.evidence['temperature']}`);
    assert.match(f.message, /lies below the search range \(T ≤ 0\.05.*no temperature can be estimated/);
    assert.doesNotMatch(f.message, /divide the logits by/);
  });

  test('underconfidence without smoothing is info (an unfinished model errs on the safe side)', () => {
    const { flags, session } = run(outputs(1.2, 0.95, 3), 8);
    assert.deepEqual(flags.map((f) => f.severity), ['info']);
    assert.equal(session.flags()[0]!.evidence['direction'], 'underconfident');
  });

  test('a live flag the final model no longer supports is resolved to info in the report', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes: ['a', 'b', 'c'] }, (f) => flags.push(f));
    const bad = outputs(6, 0.7, 5);
    for (let e = 1; e <= 8; e++) s.onEpoch({ metrics: metrics(e, 0.5, 0.6, 0.8), validation: bad });
    assert.equal(flags[0]!.severity, 'warning');
    // The final model: calibrated by construction (labels drawn from its own probabilities).
    const rnd = noise(21);
    const logits = Array.from({ length: 300 }, () => [3 * rnd(), 3 * rnd(), 3 * rnd()]);
    const labels = logits.map((z) => {
      const e = z.map(Math.exp);
      const u = rnd() * (e[0]! + e[1]! + e[2]!);
      return u < e[0]! ? 0 : u < e[0]! + e[1]! ? 1 : 2;
    });
    const report = s.finish(softmaxOutputs(logits, labels));
    const f = report.flags.find((x) => x.kind === 'miscalibration')!;
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence['resolved'], true);
    assert.match(f.message, /^Resolved by the end/);
  });

  test('mixed: timid on most rows, sure on its mistakes -> the direction says underconfident but T > 1; info', () => {
    // 180 right with logits [0.8, 0, 0] (confidence 0.527), 20 wrong with [8, 0, 0] (0.999):
    // mean confidence 0.574 < accuracy 0.9, yet softening (T > 1) lowers the NLL: the 20 wrong rows
    // lose ~4 nats each at T = 2 while the right ones gain only ~0.2.
    const logits = Array.from({ length: 200 }, (_, i) => (i < 180 ? [0.8, 0, 0] : [8, 0, 0]));
    const labels = Array.from({ length: 200 }, (_, i) => (i < 180 ? 0 : 1));
    const { flags } = run(softmaxOutputs(logits, labels), 8);
    const f = flags[flags.length - 1]!;
    assert.equal(f.evidence['direction'], 'underconfident');
    assert.equal(f.evidence['mixed'], true);
    assert.ok((f.evidence['temperature'] as number) > 1);
    assert.equal(f.severity, 'info');
    assert.match(f.message, /not a plain over\/under-confidence/);
  });

  test('no live flag while the validation loss still falls fast (early training)', () => {
    const o = outputs(6, 0.7, 4);
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes: ['a', 'b', 'c'] }, (f) => flags.push(f));
    for (let e = 1; e <= 10; e++) s.onEpoch({ metrics: metrics(e, 1, 2 * Math.pow(0.8, e)), validation: o });
    assert.equal(flags.filter((f) => f.kind === 'miscalibration').length, 0);
  });
});
