// Another trainer's log has no config: a learning-rate fix starts from the rate the log recorded,
// and from nothing at all when the log does not say (not Loss Lens's own default, docs/config.md).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EpochMetrics } from '../../../src/model';
import { diagnoseTrainingLog } from '../../../src/sources/logJudge';

/** A loss stuck at chance for 10 classes (ln 10 = 2.303): a plateau from the first epochs. */
function flat(learningRate: number): EpochMetrics[] {
  return Array.from({ length: 30 }, (_, i) => ({ epoch: i + 1, trainLoss: 2.3 - 0.0005 * i, valLoss: 2.3 - 0.0004 * i, trainAccuracy: 0.1, valAccuracy: 0.1, learningRate, gradNorm: NaN, timeMs: 0 }));
}

const plateauOf = (epochs: EpochMetrics[]) => {
  const flag = diagnoseTrainingLog({ format: 'Keras CSVLogger', file: 'training.log', epochs, steps: [], classes: [...'0123456789'], notes: [] }).flags.find((f) => f.kind === 'plateau');
  assert.ok(flag, 'a plateau is raised');
  return flag;
};

describe('learning-rate fixes on a log without a config', () => {
  test('the rate the log recorded is the base: 1e-4 raised 10x is 1e-3', () => {
    const flag = plateauOf(flat(1e-4));
    assert.match(flag.message, /The learning rate \(1e-4\) is probably too low/);
    assert.deepEqual(flag.fix?.[0]?.edits, [{ path: 'optimizer.learningRate', value: 0.001 }]);
    assert.match(flag.fix?.[0]?.title, /^Raise the learning rate 10× to 0\.001 /);
  });

  test('a log without a learning rate: the message says so and the fix has no value to write', () => {
    const flag = plateauOf(flat(NaN));
    assert.match(flag.message, /The learning rate \(not in the log\) is probably too low/);
    assert.doesNotMatch(flag.message, /NaN/);
    assert.equal(flag.fix?.[0]?.title, 'Raise the learning rate 10× (one decade, the usual grid step)');
    assert.deepEqual(flag.fix?.[0]?.edits, []);
  });
});
