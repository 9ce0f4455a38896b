import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runTraining, checkConfigAgainstData, type RunStartInfo } from '../../../src/run/runTraining';
import { readRunFolder } from '../../../src/runFolder';
import { validateConfigText } from '../../../src/config/validate';
import { ConfigError } from '../../../src/config/errors';
import type { LossLensConfig } from '../../../src/config/types';
import { scratchFolders } from '../helpers/scratch';

const tmp = scratchFolders('losslens-rt-');

function configIn(dir: string, name: string, text: string): string {
  const file = path.join(dir, `${name}.losslens.json`);
  writeFileSync(file, text);
  return file;
}

const iris = '{"data":{"source":"iris"},"model":{"hidden":[8]},"optimizer":{"learningRate":0.01},"training":{"epochs":4,"earlyStopping":false}}';

describe('runTraining', () => {
  test('writes the run folder beside the config by default and reports start, steps, epochs', async () => {
    const dir = tmp();
    const configPath = configIn(dir, 'my iris', iris);
    let start: RunStartInfo | undefined;
    let steps = 0;
    const epochs: number[] = [];
    const result = await runTraining({ configPath, onStart: (i) => (start = i), onStep: () => steps++, onEpoch: (e) => epochs.push(e.metrics.epoch), now: () => new Date(2026, 10, 22, 21, 48, 0) });
    assert.equal(result.runDir, path.join(dir, '.losslens', 'runs', '20261122-214800-my-iris'));
    assert.equal(start!.trainRows, 120);
    assert.equal(start!.validationRows, 30);
    assert.equal(start!.stepsPerEpoch, Math.ceil(120 / 32));
    assert.deepEqual(epochs, [1, 2, 3, 4]);
    assert.equal(steps, 4 * 4);
    assert.equal(result.reason, 'completed');
    const run = readRunFolder(result.runDir);
    assert.equal(run.epochs.length, 4);
    assert.equal(run.steps.length, 16);
    assert.deepEqual(run.predictions!.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(run.predictions!.labels.length, 30);
    for (const row of run.predictions!.probabilities) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.equal(run.model!.format, 'loss-lens-model/1');
    // config.json: every default, the resolved target, the name from the file.
    const config = run.config as unknown as LossLensConfig;
    assert.equal(config.name, 'my iris');
    assert.equal(config.data.target, 'label');
    assert.equal(config.optimizer.epsilon, 1e-8);
    const diagnostics = JSON.parse(readFileSync(path.join(result.runDir, 'diagnostics.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(diagnostics), ['flags', 'calibration', 'suspectedMislabeled', 'eceByEpoch']);
  });

  test('the same config and seed give byte-identical metrics (timing aside)', async () => {
    const dir = tmp();
    const configPath = configIn(dir, 'det', iris);
    const a = await runTraining({ configPath, runDir: path.join(dir, 'a') });
    const b = await runTraining({ configPath, runDir: path.join(dir, 'b') });
    const strip = (d: string): string => readFileSync(path.join(d, 'metrics.jsonl'), 'utf8').replace(/"(timeMs|wallMs)":[^,}]+/g, '');
    assert.equal(strip(a.runDir), strip(b.runDir));
    assert.equal(readFileSync(path.join(a.runDir, 'predictions.csv'), 'utf8'), readFileSync(path.join(b.runDir, 'predictions.csv'), 'utf8'));
  });

  test('shouldStop ends the run between steps and the folder is still complete', async () => {
    const dir = tmp();
    const configPath = configIn(dir, 'stop', iris.replace('"epochs":4', '"epochs":50'));
    let steps = 0;
    const result = await runTraining({ configPath, runDir: path.join(dir, 'run'), onStep: () => steps++, shouldStop: () => steps >= 6 });
    assert.equal(result.reason, 'stopped');
    const run = readRunFolder(result.runDir);
    assert.ok(run.epochs.length <= 2, `epochs ${run.epochs.length}`);
    assert.ok(run.predictions && run.model && run.diagnostics);
  });

  test('an already validated config (the worker path) trains without reading the file', async () => {
    const dir = tmp();
    const { config } = validateConfigText(iris, path.join(dir, 'virtual.losslens.json'));
    const result = await runTraining({ config: config!, configPath: path.join(dir, 'virtual.losslens.json'), runDir: path.join(dir, 'run') });
    assert.equal(result.classes.length, 3);
  });

  test('checks that need the classes name the file and key', () => {
    const { config } = validateConfigText('{"data":{"source":"x.csv"},"loss":{"classWeights":{"setosa":1,"virginca":2}}}', '/w/c.losslens.json', { fileExists: () => true });
    assert.throws(
      () => checkConfigAgainstData('c.losslens.json', config!, ['setosa', 'versicolor', 'virginica']),
      (e: unknown) => e instanceof ConfigError && e.message === 'c.losslens.json: loss.classWeights.virginca: "virginca" is not a class of the data (classes: "setosa", "versicolor", "virginica") (did you mean "virginica"?)',
    );
    const sigmoid = validateConfigText('{"data":{"source":"x.csv"},"model":{"output":"sigmoid"}}', '/w/c.losslens.json', { fileExists: () => true }).config!;
    assert.throws(() => checkConfigAgainstData('c.losslens.json', sigmoid, ['a', 'b', 'c']), /c\.losslens\.json: model\.output: "sigmoid" is for two classes; the data has 3/);
    const smoothing = validateConfigText('{"data":{"source":"x.csv"},"loss":{"labelSmoothing":0.1}}', '/w/c.losslens.json', { fileExists: () => true }).config!;
    assert.throws(() => checkConfigAgainstData('c.losslens.json', smoothing, ['a', 'b']), /loss\.labelSmoothing: applies to softmax outputs only/);
    checkConfigAgainstData('c.losslens.json', smoothing, ['a', 'b', 'c']);
  });

  test('model.init from a model.json written by a previous run', async () => {
    const dir = tmp();
    const first = await runTraining({ configPath: configIn(dir, 'first', iris), runDir: path.join(dir, 'first') });
    const second = configIn(dir, 'second', iris.replace('"model":{"hidden":[8]}', '"model":{"hidden":[8],"init":"first/model.json"}').replace('"epochs":4', '"epochs":1'));
    const result = await runTraining({ configPath: second, runDir: path.join(dir, 'second') });
    // Starting from trained weights, the first epoch is already as good as the first run's last.
    const last = readRunFolder(first.runDir).epochs.at(-1)!;
    const start = readRunFolder(result.runDir).epochs[0]!;
    assert.ok(start.valLoss < last.valLoss * 1.5, `${start.valLoss} vs ${last.valLoss}`);
  });

  test('a table too small for its split is bad input naming data.validationSplit', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'two.csv'), 'a,b\n1,x\n2,y\n');
    const configPath = configIn(dir, 'small', '{"data":{"source":"two.csv"}}');
    await assert.rejects(runTraining({ configPath, runDir: path.join(dir, 'run') }), (e: unknown) => e instanceof ConfigError && /small\.losslens\.json: data\.validationSplit: leaves no validation rows/.test(e.message));
  });
});
