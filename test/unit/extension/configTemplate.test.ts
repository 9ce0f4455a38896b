import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'jsonc-parser/lib/esm/main.js';
import { BASELINE_STEPS, configFileName, configTemplate, csvBaseline, EXAMPLE_DATASETS, TASKS } from '../../../src/config/template';
import { validateConfigText } from '../../../src/config/validate';
import { BUNDLED_DATASETS, SYNTHETIC_DATASETS } from '../../../src/config/datasets';

describe('starter configs', () => {
  test('there is an example for every bundled and synthetic dataset of the contract', () => {
    assert.deepEqual(EXAMPLE_DATASETS.map((d) => d.name).sort(), [...BUNDLED_DATASETS, ...SYNTHETIC_DATASETS].sort());
  });

  test('every dataset x task template is a valid, commented config', () => {
    for (const dataset of EXAMPLE_DATASETS) {
      for (const task of TASKS) {
        const name = configFileName(dataset.name, task.kind).replace('.losslens.json', '');
        const text = configTemplate({ dataset, task: task.kind, name });
        const v = validateConfigText(text, `/tmp/${name}.losslens.json`);
        assert.deepEqual(v.problems, [], `${dataset.name}/${task.kind}`);
        assert.equal(v.config?.name, name);
        assert.equal(v.config?.data.source, dataset.name);
        assert.ok(text.includes('//'), 'commented');
      }
    }
  });

  test('the tasks change what they say they change', () => {
    const iris = EXAMPLE_DATASETS.find((d) => d.name === 'iris')!;
    const exploding = parse(configTemplate({ dataset: iris, task: 'exploding-loss', name: 'x' })) as { optimizer: { type: string; learningRate: number } };
    assert.equal(exploding.optimizer.type, 'sgd');
    assert.ok(exploding.optimizer.learningRate >= 1);
    const overfit = parse(configTemplate({ dataset: iris, task: 'overfitting', name: 'x' })) as { training: { earlyStopping: unknown } };
    assert.equal(overfit.training.earlyStopping, false);
  });

  test('a CSV config names its target only when it is not the last column', () => {
    const csv = { name: 'cars', kind: 'csv' as const, description: 'cars.csv', hidden: [32], learningRate: 0.001, epochs: 50, batchSize: 32 };
    const withTarget = configTemplate({ dataset: csv, task: 'baseline', name: 'cars', csvPath: 'data/cars.csv', target: 'Origin' });
    const v = validateConfigText(withTarget, '/tmp/cars.losslens.json', { fileExists: () => true });
    assert.deepEqual(v.problems, []);
    assert.deepEqual([v.config?.data.source, v.config?.data.target], ['data/cars.csv', 'Origin']);
    const last = parse(configTemplate({ dataset: csv, task: 'baseline', name: 'cars', csvPath: 'data/cars.csv' })) as { data: Record<string, unknown> };
    assert.equal('target' in last.data, false);
  });

  test('a baseline on a CSV is sized from its row count (issue 14: 50 epochs of batch 32 at 1e-3 on 70 rows read as a plateau)', () => {
    // 70 rows: 56 trained in batches of 8 (7 steps an epoch), 143 epochs for about BASELINE_STEPS steps.
    assert.deepEqual(csvBaseline(70), { hidden: [16], learningRate: 0.003, epochs: Math.ceil(BASELINE_STEPS / 7), batchSize: 8 });
    assert.deepEqual(csvBaseline(768), { hidden: [32], learningRate: 0.003, epochs: 50, batchSize: 32 });
    assert.deepEqual(csvBaseline(100_000), { hidden: [32], learningRate: 0.001, epochs: 30, batchSize: 32 });
    assert.equal(csvBaseline(10).epochs, 300, 'capped');
    assert.deepEqual(csvBaseline(undefined), { hidden: [32], learningRate: 0.001, epochs: 50, batchSize: 32 });
    assert.doesNotMatch(TASKS.find((t) => t.kind === 'baseline')!.detail, /no flags/, 'no promise a small table cannot keep');
  });
});
