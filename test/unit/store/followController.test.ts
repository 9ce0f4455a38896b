/**
 * Following in the host's terms: a writer process (test/helpers/replayLog.mjs, replaying the event
 * files Keras's TensorBoard callback wrote) appends to a run under a followed folder while the
 * FollowController feeds the RunStore. The record is live (followed, running) and grows while the
 * writer runs, the overfitting flag the finished log gets is raised before the writer is done, a
 * run folder that appears mid-watch is picked up, stopping is per run, and following again restarts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FollowController } from '../../../src/store/followController';
import { followPattern } from '../../../src/store/followPatterns';
import { RunStore, runIdOf, type RunRecord } from '../../../src/store/runStore';
import { runContextValue } from '../../../src/views/runContext';
import { scratchFolders } from '../helpers/scratch';

const scratch = scratchFolders('losslens-follows-');
const KERAS_TB = 'test/fixtures/logs-real/keras/overfit-diabetes/logs';
const KERAS_CSV = 'test/fixtures/logs-real/keras/overfit-diabetes/training.log';

/** The writer: appends the recorded log group by group; resolves when it is done. */
function replay(from: string, to: string, pauseMs: number): { child: ChildProcess; done: Promise<void>; groups: () => number } {
  const child = spawn(process.execPath, ['test/helpers/replayLog.mjs', '--from', from, '--to', to, '--pause-ms', String(pauseMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let groups = 0;
  let finished = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    groups += (chunk.toString().match(/^appended /gm) ?? []).length;
    if (/^done$/m.test(chunk.toString())) finished = true;
  });
  const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, done, groups: () => (finished ? Infinity : groups) };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('FollowController', () => {
  test('a folder of runs followed while a writer process appends: live records, a flag before the end, new runs, stop per run, follow again', async () => {
    const root = path.join(scratch(), 'runs');
    mkdirSync(root);
    const store = new RunStore();
    const follows = new FollowController(store, { pollIntervalMs: 50 });
    const first = replay(KERAS_TB, path.join(root, 'exp1'), 120);
    try {
      await until('the writer to start', () => first.groups() >= 1);
      const found = await follows.follow(root);
      assert.equal(found.length, 1, found.map((r) => r.name).join());
      const run = found[0]!;
      assert.equal(run.name, 'exp1', 'named by its path under the folder followed');
      assert.equal(run.dir, path.join(root, 'exp1'));
      assert.equal(run.origin, 'log');
      assert.ok(run.followed && follows.isFollowed(run.id));
      assert.equal(runContextValue(run), 'lossLens.run.following');
      // Live: epochs come while the writer still writes, and the overfitting flag before it is done.
      const early = await until('a few epochs', () => run.epochs.length >= 3 && run.epochs.length);
      const flag = await until('the overfitting flag', () => run.flags.find((f) => f.kind === 'overfitting'));
      assert.ok(first.groups() !== Infinity, `the writer is still writing when the flag is raised at epoch ${flag.epoch}`);
      assert.equal(run.state, 'running');
      assert.ok(early >= 3 && run.epochs.every((e, i) => e.epoch === i + 1), 'epochs in order, from 1');

      // A run that starts mid-watch is picked up (a new folder under the followed one).
      const second = replay(KERAS_TB, path.join(root, 'exp2'), 10);
      const other = await until('the new run', () => store.get(runIdOf(path.join(root, 'exp2'))));
      assert.equal(other.name, 'exp2');
      assert.ok(other.followed);

      // Stop following one run: it ends "stopped" with what was read; the other goes on.
      await first.done;
      await until('every epoch of the first run', () => run.epochs.length === 60);
      assert.equal(await follows.stop(run.id), true);
      assert.equal(run.state, 'stopped');
      assert.equal(run.followed, false);
      assert.match(run.error ?? '', /stopped following/);
      assert.ok(run.flags.some((f) => f.kind === 'overfitting'), 'the flags stay');
      assert.equal(runContextValue(run), 'lossLens.run.stopped.followable');
      assert.ok(follows.isFollowed(other.id));
      assert.deepEqual(follows.followedPaths(), [root]);
      // The last run stopped closes the folder's watch too.
      await second.done;
      await follows.stop(other.id);
      assert.deepEqual(follows.followedPaths(), []);

      // Following again restarts: a new record for the same run, read from the start.
      const again = await follows.follow(path.join(root, 'exp1'));
      assert.equal(again.length, 1);
      assert.equal(again[0]!.id, run.id, 'the same run, the same id');
      assert.notEqual(again[0], run);
      await until('the log read again', () => again[0]!.epochs.length === 60);
      assert.ok(again[0]!.followed);
    } finally {
      first.child.kill();
      await follows.stopAll();
      follows.dispose();
    }
  });

  test('a log untouched for longer than the idle timeout ends "completed" once read, and is taken up again when it grows', async () => {
    const dir = scratch();
    const file = path.join(dir, 'training.log');
    const lines = readFileSync(KERAS_CSV, 'utf8').split('\n');
    writeFileSync(file, lines.slice(0, 11).join('\n') + '\n');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(file, old, old);
    const store = new RunStore();
    // Longer than the follower's 5 s between listings, so the resumed run is still live when taken up.
    const follows = new FollowController(store, { idleTimeoutMs: 8_000, pollIntervalMs: 50 });
    try {
      const [run] = await follows.follow(dir);
      assert.ok(run);
      const ended = await until('the quiet log to end', () => run.state !== 'running' && run);
      assert.equal(ended.state, 'completed');
      assert.equal(ended.epochs.length, 10);
      assert.match(ended.error ?? '', /No new records for 8 s/);
      assert.equal(follows.isFollowed(run.id), false);
      // The trainer writes again (a second fit()): the run is read again, live.
      appendFileSync(file, lines.slice(11, 21).join('\n') + '\n');
      const resumed = await until('the run taken up again', () => {
        const r = store.get(run.id);
        return r && r !== run && r;
      }, 15_000);
      assert.ok(resumed.followed, JSON.stringify({ state: resumed.state, error: resumed.error, epochs: resumed.epochs.length }));
      await until('the new epochs', () => resumed.epochs.length === 20);
    } finally {
      await follows.stopAll();
      follows.dispose();
    }
  });

  test('a path that cannot be read is refused with its name; a setting may wait for it', async () => {
    const store = new RunStore();
    const follows = new FollowController(store);
    const missing = path.join(scratch(), 'not-yet');
    await assert.rejects(follows.follow(missing), (e: Error) => e.message.includes(missing));
    assert.deepEqual(follows.followedPaths(), []);
    assert.deepEqual(await follows.follow(missing, { by: 'setting', waitForPath: true }), []);
    assert.deepEqual(follows.followedPaths('setting'), [missing]);
    await follows.stopAll('setting');
    assert.deepEqual(follows.followedPaths(), []);
    follows.dispose();
  });
});

describe('lossLens.follow globs', () => {
  const ws = path.resolve('/work/project');
  const run = (dir: string, format: 'tensorboard' | 'keras-csv' = 'tensorboard', files: string[] = []): [Parameters<ReturnType<typeof accept>>[0], string] => [{ name: dir, dir, format, files, predictions: [] }, ws];
  const accept = (glob: string) => {
    const p = followPattern(glob, ws);
    assert.ok(!('error' in p), JSON.stringify(p));
    return p.accept;
  };

  test('the folder watched is the glob\'s fixed start', () => {
    const base = (g: string): string => {
      const p = followPattern(g, ws);
      return 'error' in p ? p.error : p.base;
    };
    assert.equal(base('runs/**'), path.join(ws, 'runs'));
    assert.equal(base('lightning_logs'), path.join(ws, 'lightning_logs'));
    assert.equal(base('./outputs/*/logs/'), path.join(ws, 'outputs'));
    assert.equal(base('**/lightning_logs'), ws, 'a glob that starts with ** watches the whole folder (the setting says so)');
  });

  test('a run counts when its folder or file, or a folder above it, matches', () => {
    assert.equal(accept('runs/**')(...run('runs/exp1')), true);
    assert.equal(accept('runs/**')(...run('other/exp1')), false);
    assert.equal(accept('lightning_logs')(...run('lightning_logs/version_3')), true);
    assert.equal(accept('outputs/*/logs')(...run('outputs/a/logs/version_0')), true);
    assert.equal(accept('outputs/*/logs')(...run('outputs/a/b/logs')), false);
    assert.equal(accept('**/*.log')(...run('keras', 'keras-csv', ['keras/training.log'])), true);
    assert.equal(accept('**/*.log')(...run('keras', 'tensorboard', ['keras/events.out.tfevents.1'])), false);
  });

  test('absolute, escaping, negated and empty globs are refused with the reason', () => {
    const error = (g: string): string => {
      const p = followPattern(g, ws);
      return 'error' in p ? p.error : '';
    };
    assert.match(error('/var/log/**'), /absolute/);
    assert.match(error('../other/runs'), /leaves the workspace folder/);
    assert.match(error('!runs'), /negated/);
    assert.match(error('  '), /empty/);
  });
});

describe('runs as the Runs view menus see them', () => {
  const record = (over: Partial<RunRecord>): Pick<RunRecord, 'state' | 'origin' | 'followed'> => ({ state: 'completed', origin: 'live', followed: false, ...over });
  test('context values', () => {
    assert.equal(runContextValue(record({ state: 'running' })), 'lossLens.run.running');
    assert.equal(runContextValue(record({ state: 'running', origin: 'log', followed: true })), 'lossLens.run.following');
    assert.equal(runContextValue(record({ origin: 'log' })), 'lossLens.run.completed.followable');
    assert.equal(runContextValue(record({ origin: 'folder' })), 'lossLens.run.completed');
    assert.equal(runContextValue(record({ origin: 'folder', state: 'running' })), 'lossLens.run.running.followable', 'a folder another process still writes');
  });
});
