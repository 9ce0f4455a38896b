/**
 * Nothing lost, nothing mixed: a run folder is one run's alone, signals finish it, and a full or
 * read-only disk is bad input naming the file. The CLI spawned as users run it (out/cli.js).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadRunFolder } from '../../../src/store/pastRuns';
import { scratchFolders } from '../helpers/scratch';

const CLI = path.resolve('out/cli.js');
const TINY = 'test/fixtures/config/tiny.losslens.json';
const tmp = scratchFolders('losslens-safety-');
const STACK = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const status = (dir: string): { state: string; reason?: string; epochs: number } => JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')) as { state: string; reason?: string; epochs: number };

/** Starts a long training run and sends `signal` once its first epoch is printed. */
function trainAndSignal(out: string, signal: NodeJS.Signals, extra: string[] = []): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'train', 'examples/digits.losslens.json', '--out', out, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sent = false;
  return new Promise((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && /^epoch +1\//m.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a run folder holds one run', () => {
  test('--out onto a finished run folder is refused (exit 2, naming it), and the old run is untouched', () => {
    const out = path.join(tmp(), 'run');
    assert.equal(cli(['train', TINY, '--out', out]).status, 0);
    const before = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8');
    const again = cli(['train', TINY, '--out', out]);
    assert.equal(again.status, 2, again.stderr);
    assert.match(again.stderr, new RegExp(`${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: already holds a run`));
    assert.doesNotMatch(again.stderr, STACK);
    assert.equal(readFileSync(path.join(out, 'metrics.jsonl'), 'utf8'), before, 'the old metrics are intact');
    assert.equal(status(out).state, 'completed');
  });

  test('--replace moves the old run aside and trains into a clean folder', () => {
    const root = tmp();
    const out = path.join(root, 'run');
    assert.equal(cli(['train', TINY, '--out', out]).status, 0);
    const again = cli(['train', TINY, '--out', out, '--replace']);
    assert.equal(again.status, 0, again.stderr);
    const aside = readdirSync(root).filter((n) => n.startsWith('run.previous-'));
    assert.equal(aside.length, 1, readdirSync(root).join());
    assert.ok(existsSync(path.join(root, aside[0]!, 'model.json')), 'the old run is whole where it was moved');
    assert.ok(!existsSync(path.join(out, 'run.lock')), 'the lock is released');
  });

  test('a second writer on the same folder is refused while the first runs, naming it', async () => {
    const out = path.join(tmp(), 'run');
    const child = spawn(process.execPath, [CLI, 'train', 'examples/digits.losslens.json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve) => child.stderr.on('data', (c: Buffer) => (stderr += c.toString()) && /^epoch +1\//m.test(stderr) && resolve()));
    const second = cli(['train', TINY, '--out', out]);
    child.kill('SIGINT');
    await new Promise((resolve) => child.on('close', resolve));
    assert.equal(second.status, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`being written by another run \\(process ${child.pid} on `));
    const lines = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    for (const line of lines) JSON.parse(line);
  });

  test('status.json names the config the run trained, relative to the folder, and a reader resolves it', async () => {
    const root = tmp();
    const out = path.join(root, 'runs', 'run');
    assert.equal(cli(['train', TINY, '--out', out]).status, 0);
    const written = JSON.parse(readFileSync(path.join(out, 'status.json'), 'utf8')) as { config?: string };
    assert.equal(written.config, path.relative(out, path.resolve(TINY)).split(path.sep).join('/'));
    assert.equal((await loadRunFolder(out))?.configPath, path.resolve(TINY));
  });

  test('a run killed outright reads back as interrupted, with what it reached', async () => {
    const out = path.join(tmp(), 'run');
    const { code } = await trainAndSignal(out, 'SIGKILL');
    assert.equal(code, null);
    assert.equal(status(out).state, 'running', 'status.json still says running: nothing could write it');
    const run = await loadRunFolder(out);
    assert.equal(run?.state, 'interrupted');
    assert.ok((run?.epochs.length ?? 0) >= 1);
    const again = cli(['train', TINY, '--out', out]);
    assert.equal(again.status, 2, 'an interrupted run is still a run: not overwritten');
  });
});

describe('signals finish the folder', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129], ['SIGINT', 130]] as const) {
    test(`${signal} stops between steps, finishes the folder and exits ${code}`, async () => {
      const out = path.join(tmp(), 'run');
      const r = await trainAndSignal(out, signal);
      assert.equal(r.code, code, r.stderr);
      for (const f of ['config.json', 'metrics.jsonl', 'diagnostics.json', 'predictions.csv', 'model.json']) assert.ok(existsSync(path.join(out, f)), f);
      assert.deepEqual([status(out).state, status(out).reason], ['stopped', 'stopped']);
      assert.ok(!existsSync(path.join(out, 'run.lock')));
    });
  }
});

describe('a full or read-only disk', () => {
  const root = process.getuid?.() === 0;
  test('ENOSPC on a small tmpfs: exit 2 naming the file, no .partial left', { skip: root ? false : 'needs root to mount a small tmpfs' }, (t) => {
    const mount = tmp();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]).status === 0;
    if (!mounted) return t.skip('mount -t tmpfs failed (no permission in this container)');
    try {
      // digits' predictions and model are far over 64 KiB: the run fills the disk as it finishes.
      const out = path.join(mount, 'run');
      const r = cli(['train', 'examples/digits.losslens.json', '--out', out]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /the disk is full \(ENOSPC\)/);
      assert.match(r.stderr, new RegExp(`${mount.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/run/[\\w.]+: cannot write`));
      assert.doesNotMatch(r.stderr, STACK);
      assert.deepEqual(readdirSync(out).filter((n) => n.endsWith('.partial')), []);
    } finally {
      spawnSync('umount', [mount]);
    }
  });

  test('a read-only folder: exit 2 naming it', { skip: root ? false : 'needs root to remount a tmpfs read-only' }, (t) => {
    const mount = tmp();
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]).status !== 0) return t.skip('mount -t tmpfs failed');
    try {
      mkdirSync(path.join(mount, 'runs'));
      writeFileSync(path.join(mount, 'keep'), '');
      if (spawnSync('mount', ['-o', 'remount,ro', mount]).status !== 0) return t.skip('remount,ro failed');
      const r = cli(['train', TINY, '--out', path.join(mount, 'runs', 'run')]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /read-only|EROFS|permission denied/);
      assert.doesNotMatch(r.stderr, STACK);
    } finally {
      spawnSync('umount', [mount]);
    }
  });
});
