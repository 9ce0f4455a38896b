import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { flagLine, formatLoss, runStateLabel, statusBackground, statusText, trendOf } from '../../../src/views/statusText';
import { type EpochMetrics, worstSeverity } from '../../../src/model';

const epoch = (e: number, trainLoss: number, valLoss: number): EpochMetrics => ({ epoch: e, trainLoss, valLoss, trainAccuracy: 0.9, valAccuracy: 0.8, learningRate: 0.001, gradNorm: 1, timeMs: 5 });

describe('status bar text', () => {
  test('trend arrows with a dead band of half a percent', () => {
    assert.equal(trendOf(1, 0.9), '↓');
    assert.equal(trendOf(1, 1.1), '↑');
    assert.equal(trendOf(1, 1.004), '→');
    assert.equal(trendOf(undefined, 1), '');
    assert.equal(trendOf(1, NaN), '');
  });

  test('losses: three significant digits, NaN and infinity spelled out', () => {
    assert.equal(formatLoss(0.41234), '0.412');
    assert.equal(formatLoss(NaN), 'NaN');
    assert.equal(formatLoss(Infinity), '∞');
    assert.equal(formatLoss(12345), '1.23e+4');
  });

  test('live text: one icon, epoch of planned, both losses with their trends', () => {
    const text = statusText({ name: 'digits', state: 'running', epochsPlanned: 50, epochs: [epoch(11, 0.5, 0.44), epoch(12, 0.412, 0.455)], worstSeverity: undefined, otherLive: 0 });
    assert.equal(text, '$(pulse) 12/50 loss 0.412↓ val 0.455↑');
    assert.equal((text.match(/\$\(/g) ?? []).length, 1);
    assert.equal(statusText({ name: 'digits', state: 'running', epochsPlanned: 50, epochs: [], worstSeverity: undefined, otherLive: 1 }), '$(pulse) digits: starting… +1');
    assert.match(statusText({ name: 'x', state: 'completed', epochsPlanned: 5, epochs: [epoch(5, 1, 1)], worstSeverity: 'warning', otherLive: 0 }), /^\$\(warning\) 5\/5/);
  });

  test('backgrounds follow the worst flag', () => {
    assert.equal(worstSeverity(['info', 'warning', 'info']), 'warning');
    assert.equal(worstSeverity([]), undefined);
    assert.equal(statusBackground(undefined, 'running'), undefined);
    assert.equal(statusBackground('info', 'running'), undefined);
    assert.equal(statusBackground('warning', 'running'), 'warning');
    assert.equal(statusBackground('error', 'completed'), 'error');
    assert.equal(statusBackground(undefined, 'failed'), 'error');
  });

  test('a run that ended early says how; a flag line names its title once', () => {
    assert.equal(runStateLabel({ state: 'completed', reason: 'diverged' }), 'diverged');
    assert.equal(runStateLabel({ state: 'completed', reason: 'completed' }), 'completed');
    assert.equal(runStateLabel({ state: 'stopped', reason: 'stopped' }), 'stopped');
    assert.equal(flagLine('Exploding loss', { epoch: 1, message: 'Exploding loss: the loss became NaN.' }), 'Exploding loss (epoch 1): the loss became NaN.');
    assert.equal(flagLine('Overfitting', { epoch: 9, message: 'Validation loss rose.' }), 'Overfitting (epoch 9): Validation loss rose.');
    assert.match(statusText({ name: 'x', state: 'completed', epochsPlanned: 5, epochs: [], worstSeverity: 'error', otherLive: 0 }), /^\$\(error\)/);
  });
});
