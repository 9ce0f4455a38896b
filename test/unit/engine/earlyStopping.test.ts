import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EarlyStopping } from '../../../src/engine/earlyStopping';

describe('EarlyStopping', () => {
  test('improvement means valLoss < best - minDelta; stops after `patience` epochs without one', () => {
    const params = new Float32Array(1);
    const stopping = new EarlyStopping({ patience: 2, minDelta: 0.01, restoreBest: true }, new Float32Array(1));
    const losses = [1.0, 0.9, 0.895, 0.89];
    const stops = losses.map((loss, i) => {
      params[0] = i + 1; // the "weights" of epoch i+1
      return stopping.update(i + 1, loss, params);
    });
    // 0.895 and 0.89 are within minDelta of 0.9: epochs 3 and 4 do not improve, so epoch 4 stops.
    assert.deepEqual(stops, [false, false, false, true]);
    assert.equal(stopping.bestEpoch, 2);
    assert.equal(stopping.bestLoss, 0.9);
    params[0] = 99;
    assert.equal(stopping.restore(params, 4), true);
    assert.equal(params[0], 2);
  });

  test('NaN never improves; restore is a no-op when the best epoch is the last or restoreBest is off', () => {
    const snapshot = new Float32Array(1);
    const stopping = new EarlyStopping({ patience: 1, minDelta: 0, restoreBest: false }, snapshot);
    assert.equal(stopping.update(1, 0.5, Float32Array.from([7])), false);
    assert.equal(stopping.update(2, NaN, Float32Array.from([8])), true);
    const params = Float32Array.from([8]);
    assert.equal(stopping.restore(params, 2), false);
    assert.equal(params[0], 8);
    const tracking = new EarlyStopping(false, new Float32Array(1));
    for (let e = 1; e <= 50; e++) assert.equal(tracking.update(e, 1 + e, params), false);
    assert.equal(tracking.bestEpoch, 1);
  });
});
