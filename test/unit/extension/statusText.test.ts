import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { bestValidation, flagLine, formatLoss, formatStartTime, runWords, statusBackground, statusText, trendOf } from '../../../src/views/statusText';
import { type EpochMetrics, worstSeverity } from '../../../src/model';

const epoch = (e: number, trainLoss: number, valLoss: number): EpochMetrics => ({ epoch: e, trainLoss, valLoss, trainAccuracy: 0.9, valAccuracy: 0.8, learningRate: 0.001, gradNorm: 1, timeMs: 5 });

describe('status bar text', () => {
  test('trend arrows: the last change for two epochs, with a dead band of half a percent', () => {
    assert.equal(trendOf([1, 0.9]), '↓');
    assert.equal(trendOf([1, 1.1]), '↑');
    assert.equal(trendOf([1, 1.004]), '→');
    assert.equal(trendOf([undefined, 1]), '');
    assert.equal(trendOf([1, NaN]), '');
  });

  test('trend arrows follow the fitted trend of the last 5 epochs, not epoch-to-epoch noise', () => {
    // A falling loss with ±3% jitter: the last step is up, the trend is down.
    const falling = [1, 0.9, 0.84, 0.78, 0.74, 0.77];
    assert.ok(falling.at(-1)! > falling.at(-2)!);
    assert.equal(trendOf(falling), '↓');
    // A converged loss jittering ±2% around 0.5: flat, although each step moves by more than the dead band.
    const jitter = [0.5, 0.51, 0.49, 0.51, 0.49, 0.51, 0.49];
    assert.equal(trendOf(jitter), '→');
    for (let end = 2; end <= jitter.length; end++) assert.notEqual(trendOf(jitter.slice(0, end).slice(-2)), '→', 'two epochs alone would flip');
    // A steady rise of 1% an epoch is a trend (overfitting), even with small noise.
    assert.equal(trendOf([0.5, 0.506, 0.51, 0.515, 0.521]), '↑');
    // Least squares (numpy.polyfit): [3, 1, 2, 0, 1] has slope -0.5 with standard error 0.3, under
    // two standard errors: flat; [0.9, 0.84, 0.78, 0.74, 0.77] has -0.036 with 0.0106 (3.4): down.
    assert.equal(trendOf([3, 1, 2, 0, 1]), '→');
    assert.equal(trendOf([0.9, 0.84, 0.78, 0.74, 0.77]), '↓');
    // Only the last 5 finite values count: an old rise is forgotten.
    assert.equal(trendOf([0.1, 0.5, 0.9, 0.8, 0.7, 0.6, 0.5]), '↓');
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

  test('a run says how it ended and how far it got, once (issue 14: not "Stopped (stopped)", not "Finished" for a stopped run)', () => {
    const upTo = (n: number): EpochMetrics[] => Array.from({ length: n }, (_, i) => epoch(i + 1, 1, 1));
    assert.equal(runWords({ state: 'stopped', reason: 'stopped', epochs: upTo(30), epochsPlanned: 150 }), 'stopped at epoch 30 of 150');
    assert.equal(runWords({ state: 'completed', reason: 'early-stopped', epochs: upTo(34), epochsPlanned: 100 }), 'early-stopped at epoch 34 of 100');
    assert.equal(runWords({ state: 'completed', reason: 'diverged', epochs: upTo(3), epochsPlanned: 20 }), 'diverged at epoch 3 of 20');
    assert.equal(runWords({ state: 'completed', reason: 'completed', epochs: upTo(50), epochsPlanned: 50 }), 'completed · 50 epochs');
    assert.equal(runWords({ state: 'completed', reason: 'completed', epochs: upTo(1), epochsPlanned: 1 }), 'completed · 1 epoch');
    assert.equal(runWords({ state: 'interrupted', reason: 'stopped', epochs: upTo(12), epochsPlanned: 50 }), 'interrupted at epoch 12 of 50');
    assert.equal(runWords({ state: 'interrupted', reason: 'stopped', epochs: [], epochsPlanned: 50 }), 'interrupted before the first epoch');
    assert.equal(runWords({ state: 'running', epochs: upTo(12), epochsPlanned: 50 }), 'training · epoch 12 of 50');
    assert.equal(runWords({ state: 'failed', epochs: [], epochsPlanned: 50 }), 'failed');
    // A foreign log that does not say how many epochs were planned.
    assert.equal(runWords({ state: 'stopped', reason: 'stopped', epochs: upTo(7), epochsPlanned: 0 }), 'stopped at epoch 7');
  });

  test('the best validation loss is the lowest finite one, with its epoch', () => {
    assert.deepEqual(bestValidation({ epochs: [epoch(1, 1, 0.9), epoch(2, 1, 0.5), epoch(3, 1, NaN), epoch(4, 1, 0.7)] }), { loss: 0.5, epoch: 2 });
    assert.equal(bestValidation({ epochs: [epoch(1, 1, NaN)] }), undefined);
  });

  test('start times: the time today, the day this year, the year before', () => {
    const now = new Date(2026, 11, 3, 18, 30).getTime();
    assert.equal(formatStartTime(new Date(2026, 11, 3, 14, 5).getTime(), now), '14:05');
    assert.equal(formatStartTime(new Date(2026, 10, 22, 9, 7).getTime(), now), 'Nov 22 09:07');
    assert.equal(formatStartTime(new Date(2025, 0, 2, 23, 59).getTime(), now), 'Jan 2 2025 23:59');
  });

  test('a flag line names its title once', () => {
    assert.equal(flagLine('Exploding loss', { epoch: 1, message: 'Exploding loss: the loss became NaN.' }), 'Exploding loss (epoch 1): the loss became NaN.');
    assert.equal(flagLine('Overfitting', { epoch: 9, message: 'Validation loss rose.' }), 'Overfitting (epoch 9): Validation loss rose.');
    assert.match(statusText({ name: 'x', state: 'completed', epochsPlanned: 5, epochs: [], worstSeverity: 'error', otherLive: 0 }), /^\$\(error\)/);
  });
});
