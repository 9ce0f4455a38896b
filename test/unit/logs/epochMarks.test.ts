import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { epochLookup, uniformStepsPerEpoch } from '../../../src/logs/epochMarks';

describe('epoch marks', () => {
  test('a step takes the epoch marked at it (the nearest-written mark on a tie), else the next mark\'s, else the last', () => {
    const epochOf = epochLookup([
      { step: 2, order: 1, epoch: 0 },
      { step: 7, order: 3, epoch: 0 },
      { step: 7, order: 5, epoch: 1 },
      { step: 9, order: 6, epoch: 1 },
    ]);
    assert.equal(epochOf(0, 0), 0, 'before any mark: the first');
    assert.equal(epochOf(7, 2), 0);
    assert.equal(epochOf(7, 6), 1);
    assert.equal(epochOf(8, 0), 1);
    assert.equal(epochOf(20, 0), 1, 'after the last mark: the last');
    assert.equal(epochLookup([])(3, 0), undefined);
  });

  test('steps per epoch only when every epoch end agrees on one whole number', () => {
    assert.equal(
      uniformStepsPerEpoch([
        { step: 30, epoch: 5 },
        { step: 60, epoch: 10 },
      ]),
      6,
    );
    assert.equal(uniformStepsPerEpoch([{ step: 7, epoch: 2 }]), undefined);
    assert.equal(
      uniformStepsPerEpoch([
        { step: 6, epoch: 1 },
        { step: 14, epoch: 2 },
      ]),
      undefined,
    );
    assert.equal(uniformStepsPerEpoch([]), undefined);
  });
});
