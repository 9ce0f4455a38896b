import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { findLeads, withLeads } from '../../../src/diagnostics/leads';
import type { Flag } from '../../../src/model';
import { runScenario } from '../../scenarios/runScenario';

const fix = (title: string, path: string, value: unknown) => ({ title, edits: [{ path, value }] });
const overfitting: Flag = {
  kind: 'overfitting',
  severity: 'warning',
  epoch: 28,
  message: 'Overfitting since epoch 23.',
  evidence: { onsetEpoch: 23 },
  fix: [fix('Train for 23 epochs', 'training.epochs', 23), fix('Add L2', 'regularization.l2', 1e-4)],
};
const miscalibration: Flag = {
  kind: 'miscalibration',
  severity: 'warning',
  epoch: 30,
  message: 'The model is overconfident.',
  evidence: { onsetEpoch: 26, direction: 'overconfident', ece: 0.12 },
  fix: [fix('Turn on early stopping', 'training.earlyStopping', { patience: 5 })],
};
const oscillation: Flag = {
  kind: 'oscillation',
  severity: 'warning',
  epoch: 290,
  message: 'Oscillating validation loss.',
  evidence: { onsetEpoch: 283, curve: 'validation' },
  fix: [fix('Lower the learning rate 3x', 'optimizer.learningRate', 0.00033)],
};

describe('one lead diagnosis', () => {
  test('overfitting leads the overconfidence and the late wiggle: one first fix, own evidence kept', () => {
    const [o, m, w] = withLeads([overfitting, miscalibration, oscillation]);
    assert.deepEqual(o!.evidence['leads'], ['miscalibration', 'oscillation']);
    for (const led of [m!, w!]) {
      assert.equal(led.evidence['ledBy'], 'overfitting');
      assert.equal(led.fix![0]!.title, 'Train for 23 epochs', 'the lead first fix comes first');
      assert.match(led.message, /^Follows from overfitting \(see that flag; fix that first: Train for 23 epochs\)/);
      assert.equal(led.severity, 'warning');
    }
    assert.equal(m!.evidence['ece'], 0.12);
    assert.deepEqual(m!.fix!.map((f) => f.title), ['Train for 23 epochs', 'Turn on early stopping']);
    assert.deepEqual(w!.fix!.map((f) => f.title), ['Train for 23 epochs', 'Lower the learning rate 3x']);
  });

  test('no lead when the cause does not apply: underconfidence, an info (resolved) overfitting, a training-loss oscillation', () => {
    const under = { ...miscalibration, evidence: { ...miscalibration.evidence, direction: 'underconfident' } };
    assert.equal(findLeads([overfitting, under]).size, 0);
    assert.equal(findLeads([{ ...overfitting, severity: 'info' }, miscalibration]).size, 0);
    assert.equal(findLeads([overfitting, { ...oscillation, evidence: { ...oscillation.evidence, curve: 'training' } }]).size, 0);
    assert.deepEqual(withLeads([miscalibration]), [miscalibration]);
  });

  test('an explosion leads the dead network it caused', () => {
    const explosion: Flag = { kind: 'exploding-loss', severity: 'error', epoch: 1, step: 2, message: 'Exploding loss.', evidence: { onsetEpoch: 1 }, fix: [fix('Lower the learning rate 10x', 'optimizer.learningRate', 0.01)] };
    const dead: Flag = { kind: 'dead-network', severity: 'error', epoch: 2, message: 'Dead network.', evidence: { onsetEpoch: 1 }, fix: [fix('Use leaky ReLU', 'model.activation', 'leaky-relu')] };
    const [, d] = withLeads([explosion, dead]);
    assert.equal(d!.evidence['ledBy'], 'exploding-loss');
    assert.equal(d!.fix![0]!.title, 'Lower the learning rate 10x');
  });

  test('a real run (credit-g, 128 units, lr 0.01): miscalibration raised first is sent again pointing to overfitting', async () => {
    const run = await runScenario({ config: { data: { source: 'credit-g' }, model: { hidden: [128] }, optimizer: { learningRate: 0.01 }, training: { epochs: 15, earlyStopping: false } } });
    const report = run.report.flags;
    const o = report.find((f) => f.kind === 'overfitting');
    const m = report.find((f) => f.kind === 'miscalibration');
    assert.ok(o && m, `raised: ${report.map((f) => f.kind).join(', ')}`);
    assert.equal(m.evidence['direction'], 'overconfident');
    assert.equal(m.evidence['ledBy'], 'overfitting');
    assert.equal(m.fix![0]!.title, o.fix![0]!.title);
    const lastLive = run.live.filter((f) => f.kind === 'miscalibration').at(-1)!;
    assert.equal(lastLive.evidence['ledBy'], 'overfitting', 'the view hears the lead live');
  });
});
