// The store keeps other logged scalars bounded for dashboards opened later: thinning keeps each group
// of four's lowest and highest value and its first non-finite one, so spikes and NaN survive.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appendScalars, type KeptScalarSeries } from '../../../src/store/scalarSeries';

describe('kept scalar series', () => {
  test('points append to the series of the same name and axis; another axis is another series', () => {
    const kept: KeptScalarSeries[] = [];
    appendScalars(kept, [{ name: 'lr', axis: 'step', x: [1, 2], y: [0.1, 0.1] }]);
    appendScalars(kept, [{ name: 'lr', axis: 'step', x: [3], y: [0.05] }, { name: 'lr', axis: 'epoch', x: [1], y: [0.1] }]);
    assert.deepEqual(kept.map((s) => [s.name, s.axis, s.x, s.y]), [['lr', 'step', [1, 2, 3], [0.1, 0.1, 0.05]], ['lr', 'epoch', [1], [0.1]]]);
  });

  test('past the cap a series is thinned by fours to its envelope, spike and NaN kept', () => {
    const kept: KeptScalarSeries[] = [];
    // Groups [0..3], [4..7], [8]: lows 1, 5, 9 and highs 4, 100 (the spike at x 6), NaN at x 8 kept too.
    const y = [1, 2, 3, 4, 5, 100, NaN, 6, 9];
    appendScalars(kept, [{ name: 'loss', axis: 'step', x: y.map((_, i) => i), y }], 8);
    assert.deepEqual(kept[0]!.x, [0, 3, 4, 5, 6, 8]);
    assert.deepEqual(kept[0]!.y, [1, 4, 5, 100, NaN, 9]);
  });
});
