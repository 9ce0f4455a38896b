import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRunDir, resolveRunsFolder, runFolderTime } from '../../../src/runFolder';
import { loadRunFolder, loadRunFolders } from '../../../src/store/pastRuns';
import { runIdOf } from '../../../src/store/runStore';

describe('run folders', () => {
  test('the runs folder resolves against the workspace folder, or beside the config outside one', () => {
    assert.equal(resolveRunsFolder(undefined, '/ws', '/ws/a/b.losslens.json'), '/ws/.losslens/runs');
    assert.equal(resolveRunsFolder('out/runs', '/ws', '/ws/a/b.losslens.json'), '/ws/out/runs');
    assert.equal(resolveRunsFolder('', undefined, '/x/y.losslens.json'), '/x/.losslens/runs');
    assert.equal(resolveRunsFolder('/abs/runs', '/ws', '/ws/b.losslens.json'), '/abs/runs');
  });

  test('two runs started in the same second get distinct folders', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'losslens-rf-'));
    const at = new Date(2026, 10, 22, 21, 56, 0);
    const a = createRunDir(root, 'my run', at);
    const b = createRunDir(root, 'my run', at);
    assert.equal(path.basename(a), '20261122-215600-my-run');
    assert.equal(path.basename(b), '20261122-215600-my-run-2');
    assert.equal(runFolderTime(path.basename(a)), at.getTime());
  });

  test('a crashed run folder (partial last line, no diagnostics) reads back as stopped with its epochs', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'losslens-rf-'));
    const dir = path.join(root, '20261122-215600-crashed');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ name: 'crashed', training: { epochs: 10 } }));
    const epoch = (e: number): string => JSON.stringify({ epoch: e, trainLoss: 1 / e, valLoss: 1 / e, trainAccuracy: 0.5, valAccuracy: 0.5, learningRate: 0.01, gradNorm: null, timeMs: 3 });
    writeFileSync(path.join(dir, 'metrics.jsonl'), `${epoch(1)}\n${epoch(2)}\n{"epoch": 3, "trainLo`);
    const run = await loadRunFolder(dir);
    assert.ok(run);
    assert.equal(run.name, 'crashed');
    assert.equal(run.state, 'stopped');
    assert.equal(run.epochs.length, 2);
    assert.ok(Number.isNaN(run.epochs[0]!.gradNorm), 'null reads back as NaN');
    assert.equal(run.epochsPlanned, 10);
    assert.equal(run.id, runIdOf(dir));
    // Non-run folders are skipped.
    mkdirSync(path.join(root, 'not-a-run'));
    const all = await loadRunFolders([root, path.join(root, 'missing')]);
    assert.deepEqual(
      all.map((r) => r.name),
      ['crashed'],
    );
  });
});
