/**
 * The test command itself (scripts/test.mjs) on what a fresh machine gets wrong. Without Chromium
 * the webview layer once hung for good (its `before` hook failed, its process never exited): now
 * it must end at once with a line naming what is missing. A layer that stops making progress
 * must be ended by the watchdog, with its whole process tree, naming the test it was in.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { scratchFolders } from '../helpers/scratch';

const ROOT = path.resolve('.');
/** An outer bound, so that a regression fails here instead of hanging the unit layer. Not a speed check. */
const KILL_AFTER_MS = 60_000;
const MISSING_CHROMIUM = '/nonexistent/chromium';

interface Finished {
  code: number | null;
  output: string;
  killed: boolean;
}

/** The environment of a fresh shell: no test-runner context, filters or forced paths of ours. */
function freshEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'NODE_TEST_CONTEXT' || key.startsWith('LOSSLENS_') || key.startsWith('LOSS_LENS_')) delete env[key];
  return { ...env, ...extra };
}

/** Runs node in a process group of its own, killed as a whole if it outlives KILL_AFTER_MS. */
function runNode(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    }, KILL_AFTER_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, killed });
    });
  });
}

/** True while `pid` runs; a zombie (killed, not yet reaped) counts as gone. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const newScratch = scratchFolders('loss-lens-test-command-');

describe('the test command on a machine without Chromium', () => {
  test('`node scripts/test.mjs webview` ends, failed, with a line naming the missing Chromium, and runs no apt-get', async () => {
    const scratch = newScratch();
    // An apt-get first on the PATH that only records its calls: a forced path that is wrong must get a message, not an install.
    const bin = path.join(scratch, 'bin');
    const aptLog = path.join(scratch, 'apt-get.log');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> '${aptLog}'\nexit 1\n`);
    chmodSync(path.join(bin, 'apt-get'), 0o755);
    const env = freshEnv({ LOSS_LENS_CHROMIUM: MISSING_CHROMIUM, LOSSLENS_TEST_NO_BUILD: '1', PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` });
    const r = await runNode(['scripts/test.mjs', 'webview'], env);
    assert.equal(r.killed, false, `did not finish within ${KILL_AFTER_MS / 1000} s:\n${r.output}`);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, new RegExp(`^ {2}webview: setup failed: Chromium not found: LOSS_LENS_CHROMIUM=${MISSING_CHROMIUM} does not exist`, 'm'));
    assert.match(r.output, /^0 passed, 1 failed$/m);
    assert.equal(existsSync(aptLog), false, `apt-get was called: ${existsSync(aptLog) ? readFileSync(aptLog, 'utf8') : ''}`);
  });

  test('`node scripts/test.mjs` (every layer) ends before the build and before the layers that need nothing, naming what is missing', async () => {
    const env = freshEnv({ LOSS_LENS_CHROMIUM: MISSING_CHROMIUM });
    const r = await runNode(['scripts/test.mjs'], env);
    assert.equal(r.killed, false, `did not finish within ${KILL_AFTER_MS / 1000} s:\n${r.output}`);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, new RegExp(`^ {2}webview: setup failed: Chromium not found: LOSS_LENS_CHROMIUM=${MISSING_CHROMIUM} does not exist`, 'm'));
    assert.match(r.output, /^ {2}e2e: setup failed: /m);
    assert.match(r.output, /^the layers that need nothing run with: node scripts\/test\.mjs typecheck lint unit$/m);
    assert.doesNotMatch(r.output, /^build: |^== (typecheck|lint|unit) ==/m, 'a layer or the build ran before the failure');
  });

  const dashboard = path.join(ROOT, 'out', 'test', 'webview', 'dashboard.test.js');
  test('the webview harness alone (node --test, no force-exit) fails its file and lets it exit', { skip: !existsSync(dashboard) && 'webview tests not built (LOSSLENS_TEST_FILTER)' }, async () => {
    const r = await runNode(['--test', '--test-reporter=spec', dashboard], freshEnv({ LOSS_LENS_CHROMIUM: MISSING_CHROMIUM }));
    assert.equal(r.killed, false, `the test file did not exit within ${KILL_AFTER_MS / 1000} s:\n${r.output.slice(-2000)}`);
    assert.notEqual(r.code, 0);
    assert.match(r.output, new RegExp(`Chromium not found: LOSS_LENS_CHROMIUM=${MISSING_CHROMIUM} does not exist`));
  });
});

describe('the watchdog', () => {
  test('ends a layer whose test hangs, kills its process tree and names the test', async () => {
    // A project of one unit test file that hangs, run by a copy of the real test command.
    const scratch = newScratch();
    const project = path.join(scratch, 'project');
    cpSync(path.join(ROOT, 'scripts'), path.join(project, 'scripts'), { recursive: true });
    const unitDir = path.join(project, 'out', 'test', 'unit');
    mkdirSync(unitDir, { recursive: true });
    const pidFile = path.join(scratch, 'grandchild.pid');
    writeFileSync(
      path.join(unitDir, 'stuck.test.js'),
      `const { describe, test } = require('node:test');
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
test('finishes', () => {});
describe('a stuck suite', () => {
  test('waits forever', async () => {
    // A grandchild in a session of its own, as code-server runs: the watchdog must end it too.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
    await new Promise(() => setInterval(() => {}, 1000));
  });
});
`,
    );
    const r = await runNode([path.join(project, 'scripts', 'test.mjs'), 'unit'], freshEnv({ LOSSLENS_TEST_NO_BUILD: '1', LOSSLENS_TEST_STALL_SECONDS: '2' }), project);
    assert.equal(r.killed, false, `the test command did not finish within ${KILL_AFTER_MS / 1000} s:\n${r.output}`);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /watchdog: stalled in test "a stuck suite > waits forever" \(out\/test\/unit\/stuck\.test\.js\): no output and no test started or finished for 2 s/);
    assert.match(r.output, /^1 passed, 1 failed$/m);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    // SIGKILL is delivered at once, but the zombie may take a moment to be reaped.
    for (let i = 0; i < 50 && running(grandchild); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(running(grandchild), false, `process ${grandchild}, started by the hung test in its own session, still runs`);
  });
});
