import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticsSession } from '../../../src/diagnostics/session';
import { DIAGNOSTICS_DEFAULTS, validateDiagnosticsOverrides } from '../../../src/diagnostics/defaults';
import { resolveThresholds } from '../../../src/diagnostics/thresholds';
import { type Flag, FLAG_TITLES, flagTitle } from '../../../src/model';
import { fmt, round2 } from '../../../src/diagnostics/stats';
import { config, metrics, softmaxOutputs } from './helpers';

describe('DiagnosticsSession', () => {
  test('a log with only epoch metrics and {step, loss} steps: detectors degrade, the report is complete', () => {
    const s = new DiagnosticsSession({});
    for (let i = 1; i <= 30; i++) s.onStep({ step: i, loss: 1 / i });
    for (let e = 1; e <= 10; e++) s.onEpoch({ metrics: metrics(e, 1 / e, 1 / e) });
    const report = s.finish();
    // No per-row outputs: the mislabeled-row check says it could not run ("none" would mean "looked, found none").
    assert.deepEqual(report, { flags: [], calibration: null, suspectedMislabeled: [], mislabeledCheck: { rows: 'train', checked: false } });
  });

  test('finish computes the calibration of the final validation outputs, and is idempotent', () => {
    const s = new DiagnosticsSession({ classes: ['a', 'b'] });
    const out = softmaxOutputs([[2, 0], [0, 2], [2, 0], [0, 2]], [0, 1, 0, 1]);
    s.onEpoch({ metrics: metrics(1, 0.5, 0.5), validation: out });
    assert.ok(s.calibration(), 'live calibration after an epoch with outputs');
    const a = s.finish(out);
    assert.equal(a.calibration!.bins.length, 15);
    assert.equal(s.finish(), a);
  });

  test('an empty validation split: no calibration, no crash, no NaN in flags', () => {
    const s = new DiagnosticsSession({ classes: ['a', 'b', 'c'], config: config(), trainClassCounts: [90, 20, 10] });
    const none = { output: 'softmax' as const, classes: 3, rows: 0, logits: new Float32Array(0), probabilities: new Float32Array(0), labels: new Int32Array(0) };
    for (let e = 1; e <= 6; e++) s.onEpoch({ metrics: metrics(e, 1 / e, NaN), validation: none });
    const report = s.finish(none);
    assert.equal(report.calibration, null);
    assert.ok(!JSON.stringify(report).includes('NaN'));
    assert.deepEqual(report.flags.map((f) => `${f.kind}/${f.severity}`), ['class-imbalance/info']);
  });

  test('a disabled detector stays silent (diagnostics.<kind>.enabled = false, camelCase accepted)', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes: ['a', 'b', 'c'], config: config({ diagnostics: { explodingLoss: { enabled: false } } }) }, (f) => flags.push(f));
    s.onStep({ step: 1, loss: NaN });
    assert.deepEqual(flags, []);
  });

  test('escalation keeps the first raise epoch and records when it escalated', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes: ['a', 'b', 'c'] }, (f) => flags.push(f));
    for (let i = 1; i <= 30; i++) s.onStep({ step: i, epoch: 1, loss: 0.5 });
    for (let i = 31; i <= 40; i++) s.onStep({ step: i, epoch: 2, loss: 2.5 }); // spike: warning
    s.onStep({ step: 41, epoch: 3, loss: Infinity }); // non-finite: error
    const kinds = flags.filter((f) => f.kind === 'exploding-loss');
    assert.deepEqual(kinds.map((f) => f.severity), ['warning', 'error']);
    assert.equal(kinds[1]!.epoch, kinds[0]!.epoch);
    assert.equal(kinds[1]!.step, kinds[0]!.step);
    assert.equal(kinds[1]!.evidence['escalatedEpoch'], 3);
    assert.equal(kinds[1]!.evidence['escalatedStep'], 41);
    assert.equal(s.flags().length, 1, 'one flag per kind');
  });
});

describe('thresholds and titles', () => {
  test('overrides apply by kind or camelCase; wrong types are ignored', () => {
    const t = resolveThresholds('exploding-loss', { spikeFactor: 4, minSteps: 10 }, { 'exploding-loss': { spikeFactor: 8 }, explodingLoss: { minSteps: 'x' as unknown as number } });
    assert.deepEqual(t, { spikeFactor: 8, minSteps: 10 });
  });

  test('validateDiagnosticsOverrides names unknown detectors and thresholds with their paths', () => {
    const problems = validateDiagnosticsOverrides({ overfiting: {}, overfitting: { glAlpha: 3, noiseSigmas: true, enabled: false } });
    assert.deepEqual(problems.map((p) => p.path), [['diagnostics', 'overfiting'], ['diagnostics', 'overfitting', 'glAlpha'], ['diagnostics', 'overfitting', 'noiseSigmas']]);
    assert.match(problems[1]!.message, /Known: enabled, generalizationLossAlpha/);
    assert.deepEqual(validateDiagnosticsOverrides({ miscalibration: { minEce: 0.05 } }), []);
    assert.ok(Object.keys(DIAGNOSTICS_DEFAULTS).includes('mislabeled-rows'));
  });

  test('every kind has a display name', () => {
    assert.equal(flagTitle('overfitting'), 'Overfitting');
    assert.equal(flagTitle('exploding-loss'), 'Exploding loss');
    assert.equal(flagTitle('miscalibration'), 'Miscalibration');
    assert.equal(flagTitle('something-new'), 'Something new');
    assert.ok(Object.values(FLAG_TITLES).every((t) => /^[A-Z]/.test(t)));
  });

  test('numbers for people', () => {
    assert.equal(fmt(0.0001), '1e-4');
    assert.equal(fmt(0.000123456), '1.23e-4');
    assert.equal(fmt(0.0283), '0.0283');
    assert.equal(round2(0.00001 * 10), 0.0001);
    assert.equal(round2(0.001 / 3), 0.00033);
  });
});
