// A flag reads the same in the dashboard's strip, the Problems panel and the sidebar: one headline
// from its evidence, and fix buttons that name the action without its reason.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixAction, flagHeadline, MAX_HEADLINE, type Flag } from '../../../src/model';

const flag = (kind: Flag['kind'], evidence: Record<string, unknown>, message = 'A message. With more.', extra: Partial<Flag> = {}): Flag => ({ kind, severity: 'warning', epoch: 15, message, evidence, ...extra }) as Flag;

describe('flag headlines', () => {
  test('the figure that matters, from the evidence', () => {
    // 0.58 / 0.5 - 1 = +16%.
    assert.equal(flagHeadline(flag('overfitting', { bestValLoss: 0.5, currentValLoss: 0.58, onsetEpoch: 9 })), 'Overfitting: val loss +16% since epoch 9 while train loss fell');
    assert.equal(flagHeadline(flag('exploding-loss', { firstNonFiniteStep: 150 })), 'Exploding loss: loss blew up at step 150 (epoch 15)');
    assert.equal(flagHeadline(flag('miscalibration', { meanConfidence: 0.95, accuracy: 0.8 })), 'Miscalibration: overconfident, 95.0% confident but 80.0% right');
  });

  test('evidence without the figures: the first clause of the message; a long one is cut at a word', () => {
    assert.equal(flagHeadline(flag('overfitting', {}, 'Validation loss rose. Details follow.')), 'Overfitting: Validation loss rose');
    const h = flagHeadline(flag('learning-rate', {}, `${'word '.repeat(60)}end.`));
    assert.ok(h.length <= MAX_HEADLINE && h.endsWith('…'), h);
  });
});

describe('fix actions', () => {
  test('the trailing reason is dropped, nested parentheses included; a title that is only a reason is kept', () => {
    assert.equal(fixAction({ title: 'Turn on early stopping (patience 5, restore the best epoch)' }), 'Turn on early stopping');
    assert.equal(fixAction({ title: 'Cut training to 4 epochs (where validation loss was lowest (epoch 4))' }), 'Cut training to 4 epochs');
    assert.equal(fixAction({ title: 'Lower the learning rate to 1e-3' }), 'Lower the learning rate to 1e-3');
    assert.equal(fixAction({ title: '(advice)' }), '(advice)');
  });
});
