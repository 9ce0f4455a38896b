/**
 * The learning-rate range test as the extension runs it: on the real worker (out/worker.js), driven
 * by RunController in plain Node. Each stage arrives as it is measured; a stop ends the sweep
 * without a suggestion; bad data fails with the file named; the suggestion matches the CLI's.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RunController } from '../../../src/store/runController';
import { RunStore } from '../../../src/store/runStore';
import type { RangeTestProgress } from '../../../src/worker/rangeTestJob';
import { validateConfigText } from '../../../src/config/validate';
import type { LossLensConfig } from '../../../src/config/types';

const WORKER = path.resolve('out/worker.js');
let dir: string;
let controller: RunController;

function config(name: string, text: string): { configPath: string; config: LossLensConfig } {
  const configPath = path.join(dir, `${name}.losslens.json`);
  writeFileSync(configPath, text);
  const v = validateConfigText(text, configPath);
  assert.ok(v.config, JSON.stringify(v.problems));
  return { configPath, config: v.config };
}

describe('RangeTestJob with the real worker', () => {
  before(() => {
    assert.ok(existsSync(WORKER), 'out/worker.js is built');
    dir = mkdtempSync(path.join(tmpdir(), 'losslens-lrfind-'));
    controller = new RunController(WORKER, new RunStore());
  });
  after(() => {
    controller.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sweeps iris stage by stage and suggests the rate the CLI suggests', async () => {
    const { configPath, config: cfg } = config('iris', '{ "data": { "source": "iris" }, "optimizer": { "type": "sgd", "learningRate": 0.001 } }');
    const job = controller.findLearningRate(configPath, cfg);
    const progress: RangeTestProgress[] = [];
    job.onDidProgress((p) => progress.push(p));
    const outcome = await job.done;
    assert.equal(outcome.state, 'completed', JSON.stringify(outcome));
    const search = outcome.state === 'completed' ? outcome.search : null;
    assert.ok(search);
    assert.deepEqual(
      progress.map((p) => p.point),
      search.result.points,
      'every measured stage was reported, in order',
    );
    assert.deepEqual(
      progress.map((p) => p.stage),
      search.result.points.map((_, i) => i),
    );
    assert.equal(search.current, 0.001);
    assert.ok(search.result.suggested !== null, 'iris learns: there is a rate to suggest');
    assert.deepEqual(search.flag?.fix?.[0]?.edits, [{ path: 'optimizer.learningRate', value: search.result.suggested }]);
    // The same config through `loss-lens lr-find --json`: the same sweep, the same suggestion.
    const cli = spawnSync(process.execPath, ['out/cli.js', 'lr-find', configPath, '--json'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout) as { suggested: number; points: unknown[] };
    assert.equal(fromCli.suggested, search.result.suggested);
    assert.deepEqual(fromCli.points, search.result.points);
  });

  test('a stop ends the sweep as stopped, with what was measured and no suggestion', async () => {
    const { configPath, config: cfg } = config('digits', '{ "data": { "source": "digits" }, "model": { "hidden": [64] } }');
    const job = controller.findLearningRate(configPath, cfg);
    let stages = 0;
    job.onDidProgress(() => {
      stages += 1;
      if (stages === 3) job.stop();
    });
    const outcome = await job.done;
    assert.equal(outcome.state, 'stopped', JSON.stringify(outcome).slice(0, 300));
    const search = outcome.state === 'stopped' ? outcome.search : null;
    assert.ok(search, 'the worker answered with the truncated sweep');
    assert.ok(search.result.stopped);
    assert.ok(search.result.points.length >= 3 && search.result.points.length < 40, `${search.result.points.length} stages`);
    assert.equal(search.result.suggested, null);
    assert.equal(search.flag, null);
  });

  test('bad data fails with a message naming the file, flagged as bad input', async () => {
    // Valid when the editor checked it; the file is gone by the time the worker reads it.
    const csv = path.join(dir, 'gone.csv');
    writeFileSync(csv, 'x,label\n1,a\n2,b\n');
    const { configPath, config: cfg } = config('broken', '{ "data": { "source": "gone.csv" } }');
    rmSync(csv);
    const outcome = await controller.findLearningRate(configPath, cfg).done;
    assert.equal(outcome.state, 'failed');
    assert.ok(outcome.state === 'failed' && outcome.badInput, JSON.stringify(outcome));
    assert.match(outcome.state === 'failed' ? outcome.error : '', /gone\.csv/);
  });
});
