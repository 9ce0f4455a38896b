import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../../src/cli/args';
import { ProgressReporter, formatDuration } from '../../../src/cli/progress';
import { failsOn } from '../../../src/cli/exitCodes';
import { formatDiagnostics } from '../../../src/cli/summary';
import type { EpochMetrics, Flag } from '../../../src/model';

const m = (epoch: number): EpochMetrics => ({ epoch, trainLoss: 0.5, valLoss: NaN, trainAccuracy: 0.75, valAccuracy: 0.5, learningRate: 0.001, gradNorm: 1, timeMs: 3 });

describe('arguments', () => {
  test('train and diagnose with options, --opt=value form', () => {
    assert.deepEqual(parseArgs(['train', 'a.losslens.json', '--out', 'd', '--json', '--fail-on=warning']), { command: 'train', config: 'a.losslens.json', out: 'd', json: true, failOn: 'warning' });
    assert.deepEqual(parseArgs(['diagnose', 'runs/x']), { command: 'diagnose', path: 'runs/x', json: false });
    assert.deepEqual(parseArgs(['train', 'x', '-h']), { command: 'help' });
    assert.deepEqual(parseArgs(['--version']), { command: 'version' });
    assert.deepEqual(parseArgs(['lr-find', 'a.losslens.json', '--json']), { command: 'lr-find', config: 'a.losslens.json', json: true });
    assert.throws(() => parseArgs(['lr-find', 'a.losslens.json', '--out', 'd']), /unknown option "--out" for lr-find/);
  });

  test('mistakes are UsageErrors that say what to type', () => {
    assert.throws(() => parseArgs(['diagnose', 'x', '--out', 'd']), /unknown option "--out" for diagnose/);
    assert.throws(() => parseArgs(['train', 'x', '--out']), /option "--out" needs a value/);
    assert.throws(() => parseArgs(['train', 'x', 'y']), /train takes one CONFIG, got 2: x y/);
    assert.throws(() => parseArgs(['train', 'x', '--json', '--json']), /given twice/);
    assert.throws(() => parseArgs(['train', 'x', '--json=1']), /takes no value/);
    assert.throws(() => parseArgs(['diagnose']), (e: unknown) => e instanceof UsageError && /diagnose needs PATH/.test(e.message));
  });
});

describe('--fail-on', () => {
  const flag = (severity: Flag['severity']): Flag => ({ kind: 'overfitting', severity, epoch: 1, message: '', evidence: {} });
  test('severity order info < warning < error', () => {
    assert.equal(failsOn([flag('info')], 'warning'), false);
    assert.equal(failsOn([flag('warning')], 'warning'), true);
    assert.equal(failsOn([flag('warning')], 'error'), false);
    assert.equal(failsOn([flag('error')], 'warning'), true);
    assert.equal(failsOn([flag('error')], undefined), false);
  });
});

describe('progress', () => {
  function sink(isTTY: boolean, columns?: number): { text: string; isTTY: boolean; columns?: number; write(t: string): void } {
    return { text: '', isTTY, ...(columns === undefined ? {} : { columns }), write(t: string) { this.text += t; } };
  }

  test('off a terminal: one plain line per epoch, with ETA from the mean epoch time', () => {
    let now = 0;
    const s = sink(false);
    const p = new ProgressReporter(s, () => now);
    p.start(4);
    now = 2000;
    p.epoch(m(1));
    now = 4000;
    p.epoch(m(2));
    assert.equal(s.text, 'epoch 1/4  loss 0.5000 / val NaN  acc 75.0% / val 50.0%  ETA 6s\nepoch 2/4  loss 0.5000 / val NaN  acc 75.0% / val 50.0%  ETA 4s\n');
  });

  test('on a terminal: the line is rewritten in place and fits the width (0 columns = unknown)', () => {
    const s = sink(true, 30);
    const p = new ProgressReporter(s, () => 0);
    p.start(2);
    p.epoch(m(1));
    p.note('flag!');
    p.end();
    assert.equal(s.text, `\r\x1b[2K${'epoch 1/2  loss 0.5000 / val NaN  acc'.slice(0, 29)}\r\x1b[2Kflag!\n`);
    const unknown = sink(true, 0);
    const q = new ProgressReporter(unknown, () => 0);
    q.start(2);
    q.epoch(m(1));
    assert.match(unknown.text, /ETA 0s$/);
  });

  test('inside an epoch, a terminal sees the step; a plain log does not', () => {
    const tty = sink(true, 80);
    const p = new ProgressReporter(tty, () => 0);
    p.start(5, 40);
    p.step(2, 9, 0.25);
    assert.equal(tty.text, '\r\x1b[2Kepoch 2/5  step 10/40  loss 0.2500');
    const plain = sink(false);
    const q = new ProgressReporter(plain, () => 0);
    q.start(5, 40);
    q.step(2, 9, 0.25);
    assert.equal(plain.text, '');
  });

  test('durations', () => {
    assert.equal(formatDuration(65_000), '1m05s');
    assert.equal(formatDuration(400), '0s');
  });
});

describe('summary', () => {
  test('flags by severity with their fixes, calibration and suspects', () => {
    const text = formatDiagnostics({
      flags: [
        { kind: 'overfitting', severity: 'warning', epoch: 12, message: 'Val loss rising.', evidence: {}, fix: [{ title: 'Stop early', edits: [{ path: 'training.epochs', value: 8 }] }] },
        { kind: 'exploding-loss', severity: 'error', epoch: 1, step: 5, message: 'Boom.', evidence: {} },
      ],
      calibration: { ece: 0.2, mce: 0.4, brier: 0.3, bins: [], temperature: 2, eceAfterTemperature: 0.05 },
      suspectedMislabeled: [{ row: 4, label: 'a', suggested: 'b', score: 0.9 }],
    });
    assert.equal(
      text,
      [
        'Diagnostics: 2 flags',
        '  ERROR   Exploding loss (epoch 1, step 5): Boom.',
        '  WARNING Overfitting (epoch 12): Val loss rising.',
        '          fix: Stop early [training.epochs = 8]',
        'Calibration (validation): ECE 0.200, MCE 0.400, Brier 0.300; temperature scaling T = 2.00 would give ECE 0.050',
        'Suspected mislabeled training rows: 1 (most suspicious: row 4 "a" -> "b" (0.90))',
      ].join('\n'),
    );
  });

  test('an escalated flag names its first raise and its escalation', () => {
    const flag: Flag = { kind: 'overfitting', severity: 'error', epoch: 12, message: 'Val loss rising for 9 epochs.', evidence: { onsetEpoch: 9, escalatedEpoch: 18, firstSeverity: 'warning' } };
    assert.match(formatDiagnostics({ flags: [flag], calibration: null, suspectedMislabeled: [] }), /ERROR {3}Overfitting \(epoch 12; error from epoch 18\): Val loss rising for 9 epochs\./);
    const stepped: Flag = { kind: 'exploding-loss', severity: 'error', epoch: 1, step: 5, message: 'Boom.', evidence: { escalatedEpoch: 2, escalatedStep: 19 } };
    assert.match(formatDiagnostics({ flags: [stepped], calibration: null, suspectedMislabeled: [] }), /Exploding loss \(epoch 1, step 5; error from epoch 2, step 19\)/);
  });

  test('a lead diagnosis prints first, the flags it explains right under it', () => {
    const text = formatDiagnostics({
      flags: [
        { kind: 'miscalibration', severity: 'warning', epoch: 7, message: 'Follows from overfitting: overconfident.', evidence: { ledBy: 'overfitting', direction: 'overconfident' }, fix: [{ title: 'Train for 5 epochs', edits: [{ path: 'training.epochs', value: 5 }] }] },
        { kind: 'class-imbalance', severity: 'warning', epoch: 1, message: 'Imbalanced.', evidence: {} },
        { kind: 'overfitting', severity: 'error', epoch: 8, message: 'Val loss rising.', evidence: { leads: ['miscalibration'] }, fix: [{ title: 'Train for 5 epochs', edits: [{ path: 'training.epochs', value: 5 }] }] },
      ],
      calibration: null,
      suspectedMislabeled: [],
    });
    assert.equal(
      text,
      [
        'Diagnostics: 3 flags',
        '  ERROR   Overfitting (epoch 8): Val loss rising.',
        '          fix: Train for 5 epochs [training.epochs = 5]',
        '          leads: Miscalibration (they follow from it: fix this first)',
        '    > WARNING Miscalibration (epoch 7): Follows from overfitting: overconfident.',
        '              fix: Train for 5 epochs [training.epochs = 5]',
        '  WARNING Class imbalance (epoch 1): Imbalanced.',
        'Suspected mislabeled training rows: none',
      ].join('\n'),
    );
  });

  test('"none" only where the mislabeled-row check ran: a log without per-epoch predictions says it was not checked', () => {
    const lastLine = (mislabeledCheck?: { rows: 'train' | 'validation'; checked: boolean }) =>
      formatDiagnostics({ flags: [], calibration: null, suspectedMislabeled: [], ...(mislabeledCheck ? { mislabeledCheck } : {}) }).split('\n').at(-1);
    assert.equal(lastLine(), 'Suspected mislabeled training rows: none');
    assert.equal(lastLine({ rows: 'train', checked: true }), 'Suspected mislabeled training rows: none');
    assert.equal(lastLine({ rows: 'validation', checked: true }), 'Suspected mislabeled rows (predictions files): none');
    assert.match(lastLine({ rows: 'validation', checked: false })!, /^Suspected mislabeled rows: not checked \(needs the model's probabilities on the same rows over 3\+ epochs: predictions-epoch<N>\.csv/);
    assert.match(lastLine({ rows: 'train', checked: false })!, /^Suspected mislabeled training rows: not checked/);
  });

  test('a temperature at the edge of its search range is marked as no estimate', () => {
    const report = (temperature: number) => formatDiagnostics({ flags: [], calibration: { ece: 0.03, mce: 0.4, brier: 0.01, bins: [], temperature, eceAfterTemperature: 0 }, suspectedMislabeled: [] });
    assert.match(report(0.05), /T = 0\.05 would give ECE 0\.000 \(T is at the edge of its search range[^)]*do not apply it\)/);
    assert.match(report(20), /edge of its search range/);
    assert.doesNotMatch(report(1.5), /edge of its search range/);
  });
});
