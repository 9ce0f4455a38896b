/**
 * The job wrapper with the real worker (out/worker.js, built by scripts/test.mjs) in plain Node:
 * the way the extension host drives it, minus the editor.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TrainingJob, type ProgressBatch, type StartInfo } from '../../../src/worker/trainingJob';
import { RunController } from '../../../src/store/runController';
import { RunStore } from '../../../src/store/runStore';
import { loadRunFolder } from '../../../src/store/pastRuns';
import { validateConfigText } from '../../../src/config/validate';
import type { LossLensConfig } from '../../../src/config/types';

const WORKER = path.resolve('out/worker.js');
let dir: string;

function config(text: string): { configPath: string; config: LossLensConfig } {
  const configPath = path.join(dir, `c${Math.random().toString(36).slice(2)}.losslens.json`);
  writeFileSync(configPath, text);
  const v = validateConfigText(text, configPath);
  assert.ok(v.config, JSON.stringify(v.problems));
  return { configPath, config: v.config };
}

const metricsLines = (runDir: string): Record<string, number | null>[] =>
  readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, number | null>);

describe('TrainingJob with the real worker', () => {
  before(() => {
    assert.ok(existsSync(WORKER), 'out/worker.js is built');
    dir = mkdtempSync(path.join(tmpdir(), 'losslens-job-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a run completes: start info, batched progress with every epoch, a complete run folder', async () => {
    const { configPath, config: cfg } = config('{ "data": { "source": "iris" }, "model": { "hidden": [8] }, "optimizer": { "learningRate": 0.01 }, "training": { "epochs": 12, "batchSize": 16, "earlyStopping": false } }');
    const runDir = path.join(dir, 'complete');
    const job = new TrainingJob(WORKER, { type: 'run/start', configPath, config: cfg, runDir });
    let start: StartInfo | undefined;
    const batches: ProgressBatch[] = [];
    job.onDidStart((s) => (start = s));
    job.onDidProgress((b) => batches.push(b));
    const outcome = await job.done;
    assert.equal(outcome.state, 'completed', JSON.stringify(outcome));
    assert.deepEqual(start?.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(start?.epochs, 12);
    const epochs = batches.flatMap((b) => b.epochs.map((e) => e.epoch));
    assert.deepEqual(
      epochs,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    // Batched: far fewer messages than steps (12 epochs x 8 steps).
    const steps = batches.reduce((n, b) => n + b.steps.length, 0);
    assert.equal(steps, 12 * start!.stepsPerEpoch);
    assert.ok(batches.length < steps, `${batches.length} batches for ${steps} steps`);
    for (const f of ['config.json', 'metrics.jsonl', 'diagnostics.json', 'predictions.csv', 'model.json']) assert.ok(existsSync(path.join(runDir, f)), f);
    // The host saw what the folder holds.
    const fromDisk = metricsLines(runDir).filter((r) => 'trainLoss' in r);
    assert.equal(fromDisk.length, 12);
    assert.equal(fromDisk.at(-1)!.trainLoss, batches.flatMap((b) => b.epochs).at(-1)!.trainLoss);
    // Read back as after a reload: the same epochs, the classes, the final flags.
    const reread = await loadRunFolder(runDir);
    assert.equal(reread?.state, 'completed');
    assert.deepEqual(reread?.classes, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(
      reread?.epochs.map((e) => e.trainLoss),
      batches.flatMap((b) => b.epochs).map((e) => e.trainLoss),
    );
    assert.equal(reread?.flags.length, outcome.state === 'completed' ? outcome.diagnostics?.flags.length : -1);
    job.dispose();
  });

  test('stop mid-epoch: the run ends as stopped inside its first epoch and keeps what was measured', async () => {
    // One long epoch (batch size 1 on digits, a wide network): the stop lands inside it.
    const { configPath, config: cfg } = config('{ "data": { "source": "digits" }, "model": { "hidden": [256, 256] }, "training": { "epochs": 3, "batchSize": 1, "earlyStopping": false } }');
    const runDir = path.join(dir, 'stopped');
    const job = new TrainingJob(WORKER, { type: 'run/start', configPath, config: cfg, runDir });
    let stepsPerEpoch = 0;
    let received = 0;
    job.onDidStart((s) => (stepsPerEpoch = s.stepsPerEpoch));
    job.onDidProgress((b) => {
      received += b.steps.length;
      if (received > 0) job.stop();
    });
    const outcome = await job.done;
    assert.equal(outcome.state, 'stopped', JSON.stringify(outcome));
    assert.equal(outcome.state === 'stopped' && outcome.reason, 'stopped');
    const stepRecords = metricsLines(runDir).filter((r) => 'step' in r);
    assert.ok(stepRecords.length > 0, 'steps measured before the stop are kept');
    assert.ok(stepRecords.length < stepsPerEpoch, `stopped inside epoch 1: ${stepRecords.length} of ${stepsPerEpoch} steps`);
    // The folder is finished with what was measured, and reads back.
    assert.ok(existsSync(path.join(runDir, 'diagnostics.json')));
    assert.ok(existsSync(path.join(runDir, 'model.json')));
    const run = await loadRunFolder(runDir);
    assert.equal(run?.steps.length, stepRecords.length);
  });

  test('a worker that throws marks the run failed with its message; the host carries on', async () => {
    const crash = path.join(dir, 'crash.js');
    writeFileSync(crash, "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom in the worker'); });");
    const job = new TrainingJob(crash, { type: 'run/start', configPath: 'x', config: {} as LossLensConfig, runDir: path.join(dir, 'crash') });
    const outcome = await job.done;
    assert.equal(outcome.state, 'failed');
    assert.match(outcome.state === 'failed' ? outcome.error : '', /boom in the worker/);
  });

  test('a worker that exits without a word marks the run failed with its exit code', async () => {
    const exiter = path.join(dir, 'exit.js');
    writeFileSync(exiter, "require('node:worker_threads').parentPort.on('message', () => process.exit(7));");
    const outcome = await new TrainingJob(exiter, { type: 'run/start', configPath: 'x', config: {} as LossLensConfig, runDir: path.join(dir, 'exit') }).done;
    assert.equal(outcome.state, 'failed');
    assert.match(outcome.state === 'failed' ? outcome.error : '', /exit code 7/);
  });

  test('bad input fails the run with a message naming the file, flagged as bad input', async () => {
    const { configPath, config: cfg } = config('{ "data": { "source": "iris" } }');
    const broken: LossLensConfig = { ...cfg, data: { ...cfg.data, source: 'no-such-file.csv' } };
    const outcome = await new TrainingJob(WORKER, { type: 'run/start', configPath, config: broken, runDir: path.join(dir, 'bad') }).done;
    assert.equal(outcome.state, 'failed');
    assert.ok(outcome.state === 'failed' && outcome.badInput, JSON.stringify(outcome));
    assert.match(outcome.state === 'failed' ? outcome.error : '', /no-such-file\.csv/);
  });

  test('a model too large for memory fails as bad input naming model.hidden, before the worker allocates it', async () => {
    // 2,000 features x 65,536 units: 131 million weights, about 10 GiB with Adam and model.json.
    // The worker's JS heap limit would not see the WebAssembly memory; the estimate does.
    const names = Array.from({ length: 2000 }, (_, i) => `f${i}`);
    const rows = Array.from({ length: 6 }, (_, r) => `${names.map((_, i) => (i + r) % 7).join(',')},${r % 2 ? 'a' : 'b'}`);
    writeFileSync(path.join(dir, 'wide.csv'), `${names.join(',')},label\n${rows.join('\n')}\n`);
    const { configPath, config: cfg } = config('{ "data": { "source": "wide.csv" }, "model": { "hidden": [65536] } }');
    const outcome = await new TrainingJob(WORKER, { type: 'run/start', configPath, config: cfg, runDir: path.join(dir, 'wide'), workspaceRoots: [dir] }).done;
    assert.ok(outcome.state === 'failed' && outcome.badInput, JSON.stringify(outcome));
    assert.match(outcome.error, /model\.hidden: \[65536\] makes a model of 131 million weights .*WebAssembly memory.* more than the 2\.0 GiB a run may use/);
  });

  test('RunController folds a run into the store and finds the live run of a config', async () => {
    const store = new RunStore();
    const controller = new RunController(WORKER, store);
    const { configPath, config: cfg } = config('{ "data": { "source": "moons" }, "model": { "hidden": [4] }, "training": { "epochs": 3 } }');
    const run = controller.start({ configPath, config: cfg, runDir: path.join(dir, 'controller') });
    assert.deepEqual(
      controller.liveRunsOf(configPath).map((r) => r.id),
      [run.id],
    );
    const states: string[] = [];
    store.onDidChangeState((r) => states.push(r.state));
    await controller.whenDone(run.id);
    assert.deepEqual(states, ['completed']);
    assert.equal(store.get(run.id)?.epochs.length, 3);
    assert.ok(store.get(run.id)?.diagnostics);
    assert.deepEqual(controller.liveRunsOf(configPath), []);
    controller.dispose();
    store.dispose();
  });

  test('stopAllAndWait finishes live run folders before returning (what deactivate does)', async () => {
    const store = new RunStore();
    const controller = new RunController(WORKER, store);
    const { configPath, config: cfg } = config('{ "data": { "source": "digits" }, "model": { "hidden": [64] }, "training": { "epochs": 200, "batchSize": 4, "earlyStopping": false } }');
    const runDir = path.join(dir, 'deactivate');
    const run = controller.start({ configPath, config: cfg, runDir });
    await new Promise<void>((resolve) => store.onDidProgress(() => resolve()));
    await controller.stopAllAndWait(30_000);
    assert.equal(store.get(run.id)?.state, 'stopped');
    assert.ok(existsSync(path.join(runDir, 'diagnostics.json')), 'the folder was finished, not cut off');
    controller.dispose();
    store.dispose();
  });
});
