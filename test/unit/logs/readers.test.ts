import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readLogBytes, readTrainingLog } from '../../../src/logs/readLog';
import { discoverRuns } from '../../../src/logs/discoverRuns';
import { diagnoseTrainingLog } from '../../../src/sources/logJudge';

const FIX = 'test/fixtures/logs';

describe('Keras CSVLogger', () => {
  test('epochs from 0 become 1-based; columns by name; "nan" is non-finite', () => {
    const log = readLogBytes('keras-csv', 'epoch,acc,loss,lr,val_acc,val_loss\n0,0.5,1.2,0.01,0.4,1.3\n1,0.6,nan,0.01,0.5,inf\n', 'k.csv');
    assert.deepEqual(log.epochs[0], { epoch: 1, trainLoss: 1.2, valLoss: 1.3, trainAccuracy: 0.5, valAccuracy: 0.4, learningRate: 0.01, gradNorm: NaN, timeMs: NaN, unrecorded: ['gradNorm', 'timeMs'] });
    assert.ok(Number.isNaN(log.epochs[1]!.trainLoss));
    assert.equal(log.epochs[1]!.valLoss, Infinity);
    assert.equal(log.steps.length, 0);
  });

  test('an empty cell is "not recorded", never a blow-up: validation every other epoch raises no flag', () => {
    const text = 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,0.9,0.5,0.95\n1,0.6,0.8,,\n2,0.7,0.7,0.6,0.8\n3,0.75,0.6,,\n4,0.8,0.55,0.7,0.7\n';
    const log = readLogBytes('keras-csv', text, 'training.log');
    assert.deepEqual(log.epochs[1]!.unrecorded, ['valLoss', 'valAccuracy', 'learningRate', 'gradNorm', 'timeMs']);
    assert.ok(Number.isNaN(log.epochs[1]!.valLoss));
    assert.deepEqual(diagnoseTrainingLog(log).flags.filter((f) => f.severity !== 'info'), []);
    // The same epoch with "nan" written out was measured and was not finite: that is an explosion.
    const measured = readLogBytes('keras-csv', text.replace('1,0.6,0.8,,', '1,0.6,0.8,nan,nan'), 'training.log');
    assert.ok(diagnoseTrainingLog(measured).flags.some((f) => f.kind === 'exploding-loss' && f.severity === 'error'));
  });

  test('recognized by content whatever its file name (CSVLogger writes training.log in the Keras docs)', () => {
    assert.deepEqual(discoverRuns([{ path: 'training.log', kind: 'file', head: 'epoch,loss,val_loss' }], 'x').map((r) => r.format), ['keras-csv']);
    assert.deepEqual(discoverRuns([{ path: 'metrics.jsonl', kind: 'file', head: 'epoch,loss' }], 'x'), []);
  });

  test('recognized by its header; a NaN run is flagged as exploding loss', () => {
    const log = readTrainingLog(`${FIX}/keras_nan.csv`);
    assert.equal(log.format, 'Keras CSVLogger');
    const report = diagnoseTrainingLog(log);
    assert.ok(report.flags.some((f) => f.kind === 'exploding-loss' && f.severity === 'error'));
  });

  test('an overfitting run is flagged with the onset at the validation-loss minimum', () => {
    const log = readTrainingLog(`${FIX}/keras_overfit.csv`);
    const minimum = log.epochs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    const flag = diagnoseTrainingLog(log).flags.find((f) => f.kind === 'overfitting');
    assert.ok(flag);
    assert.equal(flag.evidence.onsetEpoch, minimum.epoch);
  });
});

describe('Lightning metrics.csv', () => {
  test('sparse rows: step losses become step records; epoch rows give val loss and train_loss_epoch', () => {
    const text = 'epoch,step,train_loss_epoch,train_loss_step,val_acc,val_loss\n0,0,,0.9,,\n0,1,,0.7,,\n0,1,,,0.5,0.85\n0,1,0.8,,,\n1,2,,0.6,,\n1,3,,0.4,,\n1,3,,,0.6,0.7\n';
    const log = readLogBytes('lightning-csv', text, 'metrics.csv');
    assert.deepEqual(log.steps, [
      { step: 1, epoch: 1, loss: 0.9, gradNorm: NaN, gradNormUnknown: true },
      { step: 2, epoch: 1, loss: 0.7, gradNorm: NaN, gradNormUnknown: true },
      { step: 3, epoch: 2, loss: 0.6, gradNorm: NaN, gradNormUnknown: true },
      { step: 4, epoch: 2, loss: 0.4, gradNorm: NaN, gradNormUnknown: true },
    ]);
    assert.equal(log.epochs[0]!.trainLoss, 0.8, 'train_loss_epoch when logged');
    assert.equal(log.epochs[0]!.valLoss, 0.85);
    assert.equal(log.epochs[0]!.valAccuracy, 0.5);
    assert.ok(Math.abs(log.epochs[1]!.trainLoss - 0.5) < 1e-12, 'else the mean of the step losses');
  });

  test('rows with a step and no epoch (LearningRateMonitor) join the epoch of their step; a "nan" cell is recorded', () => {
    const text = 'epoch,lr-Adam,step,train_loss_step,val_loss\n,0.01,0,,\n0,,1,0.9,\n0,,1,,0.8\n,0.005,2,,\n1,,3,0.7,\n1,,3,,nan\n';
    const log = readLogBytes('lightning-csv', text, 'metrics.csv');
    assert.deepEqual(log.epochs.map((e) => [e.epoch, e.learningRate]), [
      [1, 0.01],
      [2, 0.005],
    ]);
    assert.ok(Number.isNaN(log.epochs[1]!.valLoss) && !log.epochs[1]!.unrecorded?.includes('valLoss'), 'measured, not finite');
    assert.deepEqual(log.steps.map((s) => [s.step, s.epoch]), [
      [2, 1],
      [4, 2],
    ]);
  });

  test('picked over the Keras reader (it has a step column) and diagnosed', () => {
    const log = readTrainingLog(`${FIX}/metrics.csv`);
    assert.equal(log.format, 'Lightning metrics.csv');
    assert.equal(log.epochs.length, 25);
    const kinds = diagnoseTrainingLog(log).flags.map((f) => f.kind);
    assert.ok(kinds.includes('overfitting'), kinds.join());
    assert.ok(!kinds.includes('exploding-loss'), 'an unlogged gradient norm is not a non-finite one');
  });
});

describe('Hugging Face trainer_state.json', () => {
  test('training entries become steps, evaluations become epochs with the mean training loss since the last one', () => {
    const state = { log_history: [
      { epoch: 0.5, loss: 1.0, learning_rate: 5e-5, grad_norm: 2, step: 10 },
      { epoch: 1.0, loss: 0.8, learning_rate: 4e-5, step: 20 },
      { epoch: 1.0, eval_loss: 0.9, eval_accuracy: 0.7, step: 20 },
      { epoch: 1.5, loss: NaN, step: 30 },
    ] };
    const log = readLogBytes('hf-trainer-state', JSON.stringify(state).replace('null', 'NaN'), 'trainer_state.json');
    assert.deepEqual(log.steps.slice(0, 2), [
      { step: 10, epoch: 1, loss: 1.0, gradNorm: 2 },
      { step: 20, epoch: 1, loss: 0.8, gradNorm: NaN, gradNormUnknown: true },
    ]);
    assert.ok(Number.isNaN(log.steps[2]!.loss));
    assert.equal(log.steps[2]!.epoch, 2);
    // Epochs are the trainer's (issue 11: an evaluation is not an epoch): epoch 2 has begun, with no evaluation yet.
    assert.deepEqual(log.epochs.map((e) => e.epoch), [1, 2]);
    assert.ok(Number.isNaN(log.epochs[1]!.trainLoss) && !log.epochs[1]!.unrecorded?.includes('trainLoss'), 'a NaN loss was logged');
    assert.ok(log.epochs[1]!.unrecorded?.includes('valLoss'));
    assert.ok(Math.abs(log.epochs[0]!.trainLoss - 0.9) < 1e-12);
    assert.equal(log.epochs[0]!.valLoss, 0.9);
    assert.equal(log.epochs[0]!.valAccuracy, 0.7);
    assert.equal(log.epochs[0]!.learningRate, 4e-5);
  });

  test('recognized by name or by its log_history; overfitting flagged', () => {
    const log = readTrainingLog(`${FIX}/trainer_state.json`);
    assert.equal(log.format, 'Hugging Face trainer_state.json');
    assert.ok(readFileSync(`${FIX}/trainer_state.json`, 'utf8').includes('"log_history"'));
    assert.ok(diagnoseTrainingLog(log).flags.some((f) => f.kind === 'overfitting'));
  });
});

describe('unknown files', () => {
  test('a file no reader accepts names what would be accepted', () => {
    assert.throws(() => readTrainingLog('test/fixtures/config/sub/train.csv'), /train\.csv: not a log loss-lens can read: expected a run folder/);
    assert.throws(() => readTrainingLog(`${FIX}/nope.csv`), /nope\.csv: no such file or folder/);
  });

  test('a ragged row in a log is skipped with a note naming the line; a cut-short last line is skipped', () => {
    // Issue 15: one bad row no longer throws the whole log away.
    const ragged = readLogBytes('keras-csv', 'epoch,loss\n0,1\n1\n2,0.5\n', 'k.csv');
    assert.ok(ragged.notes.some((n) => /k\.csv:3: expected 2 fields/.test(n)), ragged.notes.join('\n'));
    assert.deepEqual(ragged.epochs.map((e) => e.epoch), [1, 3]);
    assert.equal(readLogBytes('keras-csv', 'epoch,loss,val_loss\n0,1,1\n1,0.5', 'k.csv').epochs.length, 1);
  });
});
