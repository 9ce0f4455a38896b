import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticsSession } from '../../../src/diagnostics/session';
import type { Flag } from '../../../src/model';
import { config, metrics, noise, sigmoidOutputs, softmaxOutputs, step } from './helpers';

const classes = ['a', 'b', 'c'];

describe('dead network and dead units', () => {
  test('loss stuck at the prior entropy with most ReLU units dead: dead-network error, onset where they died', () => {
    const flags: Flag[] = [];
    // 3 classes, counts 50/30/20: H = -(.5 ln .5 + .3 ln .3 + .2 ln .2) = 1.0297
    const s = new DiagnosticsSession({ classes, config: config(), trainClassCounts: [50, 30, 20], stepsPerEpoch: 10 }, (f) => flags.push(f));
    for (let i = 1; i <= 60; i++) {
      const dead = i > 20;
      s.onStep(step(i, dead ? 1.03 + 0.01 * Math.sin(i) : 0.8, { epoch: Math.ceil(i / 10), batch: (i - 1) % 10, deadFractions: [dead ? 1 : 0.1] }));
    }
    const f = flags.find((x) => x.kind === 'dead-network')!;
    assert.equal(f.severity, 'error');
    assert.equal(f.evidence['onsetStep'], 21);
    // Window = 2 epochs = 20 steps; the mean dead fraction of the worst layer reaches 0.9 once 18 of
    // the 20 steps are dead (steps 21..38) and the median loss is already at H: raised at step 38.
    assert.equal(f.step, 38);
    assert.ok(Math.abs((f.evidence['priorLoss'] as number) - 1.0297) < 1e-3);
    assert.ok(f.fix!.some((x) => x.edits.some((e) => e.path === 'model.activation' && e.value === 'leaky-relu')));
  });

  test('most units dead but the loss clearly below the prior entropy: the live units learn, no dead-network', () => {
    // A weak-signal binary table: H(prior) of 69/31 = 0.6191; the live 10% of units bring the loss
    // 7% below it (as on the held-out randhie table). A constant prediction cannot do that.
    const run = (level: number, jitter: number) => {
      const flags: Flag[] = [];
      const s = new DiagnosticsSession({ classes: ['0', '1'], config: config(), trainClassCounts: [31, 69], stepsPerEpoch: 25 }, (f) => flags.push(f));
      for (let i = 1; i <= 120; i++) s.onStep(step(i, level + jitter * Math.sin(1.7 * i), { epoch: Math.ceil(i / 25), batch: (i - 1) % 25, deadFractions: [0.1, 0.92] }));
      return flags.filter((f) => f.kind === 'dead-network');
    };
    assert.equal(run(0.578, 0.05).length, 0, '7% below H with little noise: learning');
    assert.equal(run(0.615, 0.05).length, 1, 'within 1% of H: dead');
    // Very noisy batches: 7% below H is within 3 standard errors of the window's median, so no clearing.
    assert.equal(run(0.578, 0.3).length, 1, 'below H but within the median\'s noise: still dead');
  });

  test('dead units but a learning network: no dead-network; dead-units warning after 2 epochs', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config() }, (f) => flags.push(f));
    let n = 0;
    for (let e = 1; e <= 4; e++) {
      for (let b = 0; b < 10; b++) s.onStep(step(++n, 0.5 / e, { epoch: e, batch: b, deadFractions: [e >= 2 ? 0.6 + 0.02 * b : 0.1] }));
      s.onEpoch({ metrics: metrics(e, 0.5 / e, 0.6 / e) });
    }
    assert.equal(flags.filter((f) => f.kind === 'dead-network').length, 0);
    const f = flags.find((x) => x.kind === 'dead-units')!;
    assert.equal(f.epoch, 3);
    assert.equal(f.evidence['onsetEpoch'], 2);
    assert.ok(Math.abs((f.evidence['deadFraction'] as number) - 0.6) < 1e-9, 'the minimum over the epoch');
  });

  test('dead fractions are ignored for tanh (they are not dead there)', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config({ model: { activation: 'tanh' } }) }, (f) => flags.push(f));
    for (let i = 1; i <= 100; i++) s.onStep(step(i, 1.0986, { deadFractions: [1] }));
    assert.deepEqual(flags.filter((f) => f.kind.startsWith('dead')), []);
  });
});

describe('plateau and oscillation', () => {
  test('plateau: barely any progress after 5 epochs, far from zero loss', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config({ optimizer: { type: 'sgd', learningRate: 1e-5 } }) }, (f) => flags.push(f));
    for (let e = 1; e <= 8; e++) s.onEpoch({ metrics: metrics(e, 1.05 - 0.002 * e, 1.07 - 0.001 * e) });
    const f = flags.find((x) => x.kind === 'plateau')!;
    assert.equal(f.epoch, 5);
    assert.equal(f.evidence['onsetEpoch'], 1);
    assert.deepEqual(f.fix![0]!.edits, [{ path: 'optimizer.learningRate', value: 1e-4 }]);
    assert.ok(f.fix!.some((x) => x.edits.some((e) => e.path === 'optimizer.type' && e.value === 'adam')));
  });

  test('stuck at chance: validation never better than the prior entropy by epoch 15', () => {
    // Balanced 3 classes: H = ln 3 = 1.0986. Training loss 1.09 -> 1.07, validation flat at 1.10.
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config(), trainClassCounts: [40, 40, 40] }, (f) => flags.push(f));
    for (let e = 1; e <= 20; e++) s.onEpoch({ metrics: metrics(e, (1.09 - 0.001 * e) * (e === 1 ? 1.2 : 1), 1.1 + 0.002 * Math.sin(e)) });
    const f = flags.find((x) => x.kind === 'plateau')!;
    assert.equal(f.epoch, 15);
    assert.equal(f.evidence['reason'], 'at-chance');
    assert.ok(f.fix!.some((x) => x.edits.some((e) => e.path === 'model.hidden')));
  });

  test('a validation loss that climbs past chance while training loss falls is overfitting, not a plateau', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, trainClassCounts: [40, 40, 40] }, (f) => flags.push(f));
    for (let e = 1; e <= 20; e++) s.onEpoch({ metrics: metrics(e, Math.exp(-0.3 * e), e < 3 ? 0.9 : 0.9 + 0.05 * (e - 3)) });
    assert.equal(flags.filter((f) => f.kind === 'plateau').length, 0);
    assert.ok(flags.some((f) => f.kind === 'overfitting'));
  });

  test('a plateau the run climbs out of is resolved to info at the end', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, trainClassCounts: [40, 40, 40] }, (f) => flags.push(f));
    for (let e = 1; e <= 30; e++) s.onEpoch({ metrics: metrics(e, e <= 16 ? 1.09 : 1.09 * Math.exp(-0.2 * (e - 16)), e <= 16 ? 1.1 : 1.1 * Math.exp(-0.2 * (e - 16))) });
    assert.equal(flags.find((f) => f.kind === 'plateau')!.severity, 'warning');
    const f = s.finish().flags.find((x) => x.kind === 'plateau')!;
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence['resolved'], true);
  });

  test('no plateau on a converged run near zero loss, nor on a learning one', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes }, (f) => flags.push(f));
    for (let e = 1; e <= 10; e++) s.onEpoch({ metrics: metrics(e, 0.02, 0.05) });
    const t = new DiagnosticsSession({ classes }, (f) => flags.push(f));
    for (let e = 1; e <= 10; e++) t.onEpoch({ metrics: metrics(e, Math.exp(-0.2 * e), Math.exp(-0.15 * e)) });
    assert.deepEqual(flags, []);
  });

  test('oscillation: a validation loss that alternates by 30% without progress', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config({ training: { batchSize: 32 } }) }, (f) => flags.push(f));
    // The training loss wiggles without net progress, as it does when the rate overshoots.
    for (let e = 1; e <= 12; e++) s.onEpoch({ metrics: metrics(e, e % 3 ? 0.5 : 0.52, e % 2 ? 0.5 : 0.7) });
    const f = flags.find((x) => x.kind === 'oscillation')!;
    assert.equal(f.epoch, 8);
    assert.equal(f.evidence['curve'], 'validation');
    assert.equal(f.evidence['onsetEpoch'], 1);
    assert.ok(f.fix!.some((x) => x.edits.some((e) => e.path === 'training.batchSize' && e.value === 64)));
  });

  test('no oscillation on a steady climb (that is overfitting) or on mild noise', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes }, (f) => flags.push(f));
    for (let e = 1; e <= 12; e++) s.onEpoch({ metrics: metrics(e, 0.3 / e, 0.3 + 0.05 * e) });
    const rnd = noise(4);
    const t = new DiagnosticsSession({ classes }, (f) => flags.push(f));
    for (let e = 1; e <= 20; e++) t.onEpoch({ metrics: metrics(e, 0.4 * (1 + 0.03 * rnd()), 0.45 * (1 + 0.05 * (rnd() - 0.5))) });
    assert.deepEqual(flags.filter((f) => f.kind === 'oscillation'), []);
  });

  test('no oscillation while the training loss falls steadily (a big net memorizing: the validation wiggle is overfitting)', () => {
    // The same alternating validation loss, but training loss falling 20% per epoch (zigzags and
    // all) or nearly monotonically by 1% per epoch.
    for (const train of [(e: number) => Math.exp(-0.2 * e) * (e % 2 ? 1 : 1.1), (e: number) => 0.5 - 0.005 * e]) {
      const flags: Flag[] = [];
      const s = new DiagnosticsSession({ classes }, (f) => flags.push(f));
      for (let e = 1; e <= 12; e++) s.onEpoch({ metrics: metrics(e, train(e), e % 2 ? 0.5 : 0.7) });
      assert.deepEqual(flags.filter((f) => f.kind === 'oscillation'), []);
    }
  });
});

describe('class imbalance', () => {
  const counts = [90, 20, 10];
  test('info at the first epoch from the counts; warning at the end when the small classes suffer', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config(), trainClassCounts: counts }, (f) => flags.push(f));
    s.onEpoch({ metrics: metrics(1, 1, 1) });
    // Validation like the prior: 18 "a", 4 "b", 2 "c". The model says "a" except for one "b" row it gets.
    // accuracy = (18 + 1) / 24 = 0.791667; recall a 1, b 0.25, c 0 -> balanced 0.416667; gap 0.375 >= 0.1.
    const labels = [...Array<number>(18).fill(0), ...Array<number>(4).fill(1), 2, 2];
    const logits = labels.map((y, i) => (y === 1 && i === 18 ? [0, 2, 0] : [2, 0, 0]));
    const report = s.finish(softmaxOutputs(logits, labels));
    const f = report.flags.find((x) => x.kind === 'class-imbalance')!;
    assert.deepEqual(flags.filter((x) => x.kind === 'class-imbalance').map((x) => x.severity), ['info', 'warning']);
    assert.equal(f.evidence['ratio'], 9);
    assert.ok(Math.abs((f.evidence['accuracy'] as number) - 19 / 24) < 1e-12);
    assert.ok(Math.abs((f.evidence['balancedAccuracy'] as number) - 1.25 / 3) < 1e-12);
    assert.deepEqual(f.evidence['recallByClass'], [1, 0.25, 0]);
    assert.match(f.message, /"c" is recognised only 0% of the time/);
    assert.deepEqual(f.fix![0]!.edits, [{ path: 'loss.classWeights', value: 'balanced' }]);
  });

  test('balanced weights already on: nothing to say', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config({ loss: { classWeights: 'balanced' } }), trainClassCounts: counts }, (f) => flags.push(f));
    s.onEpoch({ metrics: metrics(1, 1, 1) });
    s.finish();
    assert.deepEqual(flags, []);
  });
});

describe('suspected mislabeled rows (area under the margin)', () => {
  test('rows whose label the model keeps disagreeing with are listed, most suspicious first, with class names', () => {
    // 6 training rows, 3 classes. Margins (label logit - best other) by hand:
    //   row 0 label a, logits [2,0,0] -> +2          row 3 label a, logits [0,3,0] -> -3 (suggest b)
    //   row 1 label b, logits [0,2,0] -> +2          row 4 label c, logits [1.5,0,0.5] -> -1 (suggest a)
    //   row 2 label c, logits [0,0,2] -> +2          row 5 label b, logits [0,1,0.9] -> +0.1
    // Median positive AUM = median(2, 2, 2, 0.1) = 2, so the threshold is min(0, -0.3 · 2) = -0.6.
    const logits = [[2, 0, 0], [0, 2, 0], [0, 0, 2], [0, 3, 0], [1.5, 0, 0.5], [0, 1, 0.9]];
    const train = softmaxOutputs(logits, [0, 1, 2, 0, 2, 1]);
    const s = new DiagnosticsSession({ classes, config: config() });
    for (let e = 1; e <= 4; e++) s.onEpoch({ metrics: metrics(e, 1, 1), validation: train, train });
    const report = s.finish();
    assert.deepEqual(report.suspectedMislabeled.map((x) => ({ ...x, score: Math.round(x.score * 1e6) / 1e6 })), [
      { row: 3, label: 'a', suggested: 'b', score: 3 },
      { row: 4, label: 'c', suggested: 'a', score: 1 },
    ]);
    assert.equal(report.flags.find((f) => f.kind === 'mislabeled-rows')!.severity, 'info');
  });

  test('a row only slightly on the wrong side is a hard row, not a suspect (relative margin)', () => {
    // Margins +2, +2, +2, -0.5: threshold -0.3 · 2 = -0.6, so -0.5 is not suspected.
    const train = softmaxOutputs([[2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 0, 0.5]], [0, 1, 2, 2]);
    const s = new DiagnosticsSession({ classes });
    for (let e = 1; e <= 3; e++) s.onEpoch({ metrics: metrics(e, 1, 1), validation: train, train });
    assert.deepEqual(s.finish().suspectedMislabeled, []);
  });

  test('sigmoid output: margin is z for the second class, -z for the first', () => {
    // Rows 4-7 agree with their labels, so the model has learned something (see minLearnedShare).
    const train = sigmoidOutputs([2, -2, -1, 3, 2, -2, 2, -2], [1, 0, 1, 0, 1, 0, 1, 0]);
    const s = new DiagnosticsSession({ classes: ['no', 'yes'] });
    for (let e = 1; e <= 3; e++) s.onEpoch({ metrics: metrics(e, 1, 1), validation: train, train });
    assert.deepEqual(s.finish().suspectedMislabeled, [
      { row: 3, label: 'no', suggested: 'yes', score: 3 },
      { row: 2, label: 'yes', suggested: 'no', score: 1 },
    ]);
  });

  test('a model that learned nothing beyond the majority class names no rows (a dead network)', () => {
    // Always "no" (the majority, 5 of 8): every "yes" row has a negative margin, none is evidence.
    const train = sigmoidOutputs([-3, -3, -3, -3, -3, -3, -3, -3], [1, 0, 1, 0, 1, 0, 0, 0]);
    const s = new DiagnosticsSession({ classes: ['no', 'yes'] });
    for (let e = 1; e <= 5; e++) s.onEpoch({ metrics: metrics(e, 1, 1), validation: train, train });
    assert.deepEqual(s.finish().suspectedMislabeled, []);
  });

  test('without training outputs there are no suspects (logs read from disk)', () => {
    const s = new DiagnosticsSession({ classes });
    for (let e = 1; e <= 5; e++) s.onEpoch({ metrics: metrics(e, 1, 1) });
    assert.deepEqual(s.finish().suspectedMislabeled, []);
  });
});
