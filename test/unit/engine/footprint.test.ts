/**
 * The memory estimate made before a run allocates anything, checked against
 * what a run really holds: the arena the trainer asks for, and the size of the model.json the run
 * folder writer really writes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TrainingInputError } from '../../../src/engine/errors';
import { MAX_TRAINING_MEMORY_BYTES, MODEL_JSON_BYTES_PER_WEIGHT, estimateTrainingMemory, memoryProblem, trainingArenaFloats, trainingShape } from '../../../src/engine/footprint';
import { jsKernels } from '../../../src/engine/jsKernels';
import type { Kernels } from '../../../src/engine/kernels';
import { parameterCount } from '../../../src/engine/network';
import { runTraining } from '../../../src/run/runTraining';
import { config, trainConfig } from '../helpers/config';
import { scratchFolders } from '../helpers/scratch';
import { dataset, split } from './helpers';

const scratch = scratchFolders('losslens-footprint-');

const ADAM = config().optimizer;
const tiny = dataset(2, ['a', 'b', 'c'], split([[0, 1], [1, 0], [1, 1]], [0, 1, 2]), split([[0.5, 0.5]], [1]));

describe('training footprint', () => {
  test('the arena estimated is the arena the trainer asks for', () => {
    const asked: number[] = [];
    const counting: Kernels = { ...jsKernels, createArena: (floats) => (asked.push(floats), jsKernels.createArena(floats)) };
    const cfg = config({ model: { hidden: [7, 5], dropout: 0.2 }, training: { epochs: 1, batchSize: 2 } });
    trainConfig(cfg, tiny, {}, { kernels: counting });
    assert.deepEqual(asked, [trainingArenaFloats(trainingShape(cfg.model, 2, 3, 2, 3), cfg.optimizer)]);
  });

  test('Adam holds five copies of the weights in the arena (weights, gradients, two moments, the best epoch)', () => {
    const shape = trainingShape({ hidden: [1000, 1000], activation: 'relu', dropout: 0 }, 100, 10, 32, 1000);
    const estimate = estimateTrainingMemory(shape, ADAM, 10, 0);
    const weights = parameterCount(shape);
    assert.ok(estimate.arenaBytes >= 5 * 4 * weights && estimate.arenaBytes < 5 * 4 * weights * 1.05, `${estimate.arenaBytes} for ${weights} weights`);
    const sgd = estimateTrainingMemory(shape, { ...ADAM, type: 'sgd', momentum: 0 }, 10, 0);
    assert.ok(sgd.arenaBytes < estimate.arenaBytes - 2 * 4 * weights * 0.99);
  });

  test('[14000, 14000] and [65536, 65536] are past the limit, named by their layers; [512, 512] is not', () => {
    const at = (hidden: number[]): string | undefined => memoryProblem(estimateTrainingMemory(trainingShape({ hidden, activation: 'relu', dropout: 0 }, 4, 3, 32, 120), ADAM, 3, 150), hidden);
    assert.match(at([14000, 14000])!, /^\[14000, 14000\] makes a model of 196 million weights that needs about \d+\.\d GiB to train/);
    assert.match(at([65536, 65536])!, /^\[65536, 65536\] makes a model of 4296 million weights/);
    assert.equal(at([512, 512]), undefined);
    assert.equal(MAX_TRAINING_MEMORY_BYTES, 2 * 1024 ** 3);
  });

  test('the trainer refuses a model past the limit before allocating it', () => {
    assert.throws(
      () => trainConfig(config({ model: { hidden: [14000, 14000] } }), tiny, {}, { kernels: { ...jsKernels, createArena: () => assert.fail('allocated') } }),
      (e: unknown) => e instanceof TrainingInputError && e.key === 'model.hidden' && /^model\.hidden: \[14000, 14000\]/.test(e.message),
    );
  });

  test('model.json as the run folder writes it stays within MODEL_JSON_BYTES_PER_WEIGHT', async () => {
    const dir = scratch();
    const configPath = path.join(dir, 'digits.losslens.json');
    writeFileSync(configPath, '{"data":{"source":"digits"},"model":{"hidden":[64]},"training":{"epochs":2}}');
    const result = await runTraining({ configPath, runDir: path.join(dir, 'run') });
    const bytes = readFileSync(path.join(result.runDir, 'model.json')).length;
    const weights = parameterCount(trainingShape({ hidden: [64], activation: 'relu', dropout: 0 }, 64, 10, 32, 1));
    assert.ok(bytes / weights <= MODEL_JSON_BYTES_PER_WEIGHT, `${(bytes / weights).toFixed(1)} bytes per weight`);
    assert.ok(bytes / weights > MODEL_JSON_BYTES_PER_WEIGHT / 2, `${(bytes / weights).toFixed(1)} bytes per weight: the estimate is far too high`);
  });
});
