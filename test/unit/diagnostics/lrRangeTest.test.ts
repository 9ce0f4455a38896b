import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fillDefaults } from '../../../src/config/defaults';
import { setBundledDatasetsDir } from '../../../src/data/bundled';
import { loadDataset } from '../../../src/data/load';
import { learningRateFlag, learningRateRangeTest, suggestLearningRate } from '../../../src/diagnostics/lrRangeTest';
import { trainingSpec } from '../../../src/config/trainingSpec';
import { train } from '../../../src/engine/trainer';
import { trainConfig } from '../helpers/config';

describe('learning-rate range test (Smith 2017)', () => {
  test('reads a constructed curve: minimum / 10, steepest point, divergence', () => {
    // Rates 1e-5 .. 1e0 by decades; losses by hand: flat, falling (steepest 1e-3 -> 1e-2), lowest at
    // 1e-2, then 5 > 4 × 0.2 at 1e-1: diverged there. No smoothing (β = 0), so values are the losses.
    const points = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1].map((learningRate, i) => ({ learningRate, loss: [1.1, 1.0, 0.8, 0.2, 5, 9][i]! }));
    const s = suggestLearningRate(points, { smoothing: 0 });
    assert.equal(s.minimum, 1e-2);
    assert.equal(s.suggested, 1e-3);
    assert.equal(s.steepest, 1e-2, 'the largest fall per log-rate is from 1e-3 (0.8) to 1e-2 (0.2)');
    assert.equal(s.divergedAt, 1e-1);
    const flag = learningRateFlag(s, 0.1)!;
    assert.equal(flag.kind, 'learning-rate');
    assert.deepEqual(flag.fix![0]!.edits, [{ path: 'optimizer.learningRate', value: 1e-3 }]);
  });

  test('a curve that never falls gives no suggestion', () => {
    const points = [1e-4, 1e-3, 1e-2, 1e-1].map((learningRate) => ({ learningRate, loss: 1 }));
    assert.equal(suggestLearningRate(points, { smoothing: 0 }).suggested, null);
  });

  test('on iris with the real engine: a usable rate well below the blow-up', async () => {
    setBundledDatasetsDir(path.join(process.cwd(), 'media', 'datasets'));
    const config = fillDefaults({ data: { source: 'iris' }, optimizer: { type: 'sgd', learningRate: 0.001 } }, 'lr.losslens.json');
    const data = await loadDataset(config, process.cwd());
    const r = learningRateRangeTest(trainingSpec(config), data, train, { minLearningRate: 1e-4, maxLearningRate: 100, stages: 25 });
    assert.ok(r.points.length >= 10);
    assert.ok(r.suggested !== null && r.suggested >= 1e-4 && r.suggested <= 1, `suggested ${r.suggested}`);
    if (r.divergedAt !== null) assert.ok(r.suggested! <= r.divergedAt / 5);
    // The suggestion must train: 10 epochs at it beat 10 epochs at the sweep's smallest rate.
    const lossAt = (learningRate: number) => {
      let last = NaN;
      trainConfig({ ...config, optimizer: { ...config.optimizer, learningRate }, training: { ...config.training, epochs: 10, earlyStopping: false } }, data, { onEpoch: (e) => void (last = e.metrics.valLoss) });
      return last;
    };
    assert.ok(lossAt(r.suggested!) < lossAt(1e-4), 'the suggested rate learns faster than the smallest');
  });

  test('reports each stage as it is measured, and a stop ends the sweep without a suggestion', async () => {
    setBundledDatasetsDir(path.join(process.cwd(), 'media', 'datasets'));
    const config = fillDefaults({ data: { source: 'iris' }, optimizer: { type: 'sgd', learningRate: 0.001 } }, 'lr.losslens.json');
    const data = await loadDataset(config, process.cwd());
    const options = { minLearningRate: 1e-4, maxLearningRate: 100, stages: 25 };
    const seen: { learningRate: number; stage: number; stages: number }[] = [];
    const full = learningRateRangeTest(trainingSpec(config), data, train, options, { onPoint: (p, stage, stages) => void seen.push({ learningRate: p.learningRate, stage, stages }) });
    assert.equal(full.stopped, false);
    assert.deepEqual(
      seen.map((p) => p.learningRate),
      full.points.map((p) => p.learningRate),
    );
    assert.deepEqual(
      seen.map((p) => p.stage),
      full.points.map((_, i) => i),
    );
    assert.ok(seen.every((p) => p.stages === 25));
    // Stop once 6 stages are in: the sweep ends there and reads nothing into the truncated curve
    // (its lowest point is only where it stopped).
    let measured = 0;
    const cut = learningRateRangeTest(trainingSpec(config), data, train, options, { onPoint: () => void measured++, shouldStop: () => measured >= 6 });
    assert.equal(cut.stopped, true);
    assert.equal(cut.points.length, 6);
    assert.deepEqual(cut.points, full.points.slice(0, 6), 'the same stages as the full sweep, up to the stop');
    assert.equal(cut.suggested, null);
  });
});
