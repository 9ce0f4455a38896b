/**
 * The `loss-lens` command as users run it: `node out/cli.js` spawned on fixtures (docs/cli.md).
 * Bad input must exit 2 with a message naming the file and key or row, and never a stack trace.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratchFolders } from '../helpers/scratch';

const CLI = path.resolve('out/cli.js');
const FIX = 'test/fixtures/config';

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = scratchFolders('losslens-cli-');
/** A stack trace line as node prints them. */
const STACK = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

describe('exit 2: bad input, message names file and key or row, no stack trace', () => {
  test('a config with an unknown key', () => {
    const r = cli(['train', `${FIX}/bad-key.losslens.json`]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad-key\.losslens\.json: optimizer\.learnigRate: unknown key "learnigRate" in "optimizer" \(did you mean "learningRate"\?\)/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  test('a JSON syntax error names the line and column', () => {
    const r = cli(['train', `${FIX}/syntax.losslens.json`]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /syntax\.losslens\.json: line 3, column 3: JSON syntax error/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  test('a missing data file names the config, the key and the resolved path', () => {
    const r = cli(['train', `${FIX}/missing-data.losslens.json`]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing-data\.losslens\.json: data\.train: training file "no-such-train\.csv" does not exist/);
    assert.match(r.stderr, new RegExp(path.resolve(FIX, 'no-such-train.csv').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.doesNotMatch(r.stderr, STACK);
  });

  test('a ragged CSV names the file and the row', () => {
    const r = cli(['train', `${FIX}/ragged.losslens.json`, '--out', tmp()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ragged\.csv/);
    assert.match(r.stderr, /row 4/);
    assert.doesNotMatch(r.stderr, STACK);
  });

  test('a config file that does not exist', () => {
    const r = cli(['train', `${FIX}/nope.losslens.json`]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /nope\.losslens\.json: no such file/);
  });

  test('unknown argument, unknown command, bad --fail-on, missing CONFIG', () => {
    const unknown = cli(['train', `${FIX}/tiny.losslens.json`, '--fail_on', 'error']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown option "--fail_on" for train \(did you mean "--fail-on"\?\)/);
    assert.doesNotMatch(unknown.stderr, STACK);
    assert.match(cli(['trian', 'x']).stderr, /unknown command "trian" \(did you mean "train"\?\)/);
    const level = cli(['train', 'x', '--fail-on', 'warn']);
    assert.equal(level.status, 2);
    assert.match(level.stderr, /--fail-on must be "warning" or "error", not "warn" \(did you mean "warning"\?\)/);
    assert.equal(cli(['train']).status, 2);
    assert.equal(cli([]).status, 2);
  });

  test('--out that cannot be a folder', () => {
    const r = cli(['train', `${FIX}/tiny.losslens.json`, '--out', path.join(CLI, 'run')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot create the run folder/);
  });

  test('diagnose on a path that is not a log', () => {
    const r = cli(['diagnose', `${FIX}/sub`]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /sub: not a run folder/);
    assert.doesNotMatch(r.stderr, STACK);
  });
});

describe('exit 0 / 1 / 3', () => {
  test('--help and --version exit 0', () => {
    const help = cli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /loss-lens train CONFIG \[--out DIR\] \[--json\] \[--fail-on warning\|error\]/);
    const version = cli(['--version']);
    assert.equal(version.status, 0);
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });

  test('an unexpected error exits 1 with its message and no stack trace (unless LOSSLENS_DEBUG)', () => {
    const r = cli(['train', 'y'], { LOSSLENS_FAULT_INJECTION: 'unexpected' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /fault injected/);
    assert.doesNotMatch(r.stderr, STACK);
    const debug = cli(['train', 'y'], { LOSSLENS_FAULT_INJECTION: 'unexpected', LOSSLENS_DEBUG: '1' });
    assert.match(debug.stderr, STACK);
  });

  test('train writes the whole run folder, prints plain epoch lines off a TTY and a summary; exit 0', () => {
    const out = tmp();
    const r = cli(['train', `${FIX}/tiny.losslens.json`, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['config.json', 'metrics.jsonl', 'diagnostics.json', 'predictions.csv', 'model.json']) assert.ok(existsSync(path.join(out, f)), f);
    assert.equal((r.stderr.match(/^epoch \d\/3 /gm) ?? []).length, 3, 'one plain line per epoch');
    assert.doesNotMatch(r.stderr, /\r/);
    assert.match(r.stdout, /^Diagnostics: /m);
    assert.match(r.stdout, /Calibration \(validation\): ECE \d/);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as { name: string; data: { target: string }; optimizer: { beta1: number } };
    assert.equal(config.name, 'tiny');
    assert.equal(config.data.target, 'label');
    assert.equal(config.optimizer.beta1, 0.9);
  });

  test('--json prints diagnostics.json on stdout; --fail-on error exits 3 when an error flag was raised', () => {
    const out = tmp();
    const r = cli(['train', 'examples/exploding.losslens.json', '--out', out, '--json', '--fail-on', 'error']);
    assert.equal(r.status, 3, r.stderr);
    const report = JSON.parse(r.stdout) as { flags: { kind: string; severity: string }[]; calibration: unknown; suspectedMislabeled: unknown[] };
    assert.deepEqual(report, JSON.parse(readFileSync(path.join(out, 'diagnostics.json'), 'utf8')));
    assert.ok(report.flags.some((f) => f.severity === 'error'));
    // The same run without --fail-on is a success.
    assert.equal(cli(['diagnose', out]).status, 0);
    assert.equal(cli(['diagnose', out, '--fail-on', 'warning']).status, 3);
  });

  test('--fail-on is not triggered by flags below its level', () => {
    const out = tmp();
    const r = cli(['train', `${FIX}/tiny.losslens.json`, '--out', out, '--json', '--fail-on', 'error']);
    const report = JSON.parse(r.stdout) as { flags: { severity: string }[] };
    assert.equal(r.status, report.flags.some((f) => f.severity === 'error') ? 3 : 0);
    assert.ok(!report.flags.some((f) => f.severity === 'error'), 'a 3-epoch iris run raises no error flag');
  });

  test('diagnose reads a run folder and its metrics.jsonl with the same detectors', () => {
    const out = tmp();
    assert.equal(cli(['train', 'examples/exploding.losslens.json', '--out', out, '--json']).status, 0);
    const folder = cli(['diagnose', out, '--json']);
    assert.equal(folder.status, 0, folder.stderr);
    const kinds = (JSON.parse(folder.stdout) as { flags: { kind: string }[] }).flags.map((f) => f.kind);
    assert.ok(kinds.includes('exploding-loss'), kinds.join());
    assert.match(folder.stderr, /read as loss-lens run folder, 20 epochs/);
    const jsonl = cli(['diagnose', path.join(out, 'metrics.jsonl'), '--json']);
    assert.equal(jsonl.status, 0);
    assert.ok((JSON.parse(jsonl.stdout) as { flags: { kind: string }[] }).flags.some((f) => f.kind === 'exploding-loss'));
    // A bare metrics.jsonl (no folder around it) is read on its own.
    const bare = path.join(tmp(), 'log.jsonl');
    copyFileSync(path.join(out, 'metrics.jsonl'), bare);
    const alone = cli(['diagnose', bare, '--json']);
    assert.equal(alone.status, 0, alone.stderr);
    assert.match(alone.stderr, /read as loss-lens metrics\.jsonl, 20 epochs, 180 steps/);
  });

  test('a TensorBoard run of several event files (add_hparams beside the curves) is named by its folder, not by the file that sorts first', () => {
    const r = cli(['diagnose', 'test/fixtures/logs-real/pytorch/hparams-wine']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^test\/fixtures\/logs-real\/pytorch\/hparams-wine: read as TensorBoard event files, 8 epochs, 64 steps$/m);
  });
});

describe('Ctrl-C', () => {
  test('SIGINT stops between steps and finishes the run folder with what was measured (exit 130)', async () => {
    const out = tmp();
    const child = spawn(process.execPath, [CLI, 'train', 'examples/digits.losslens.json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    const status = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!sent && /^epoch +1\//m.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('close', (code) => resolve(code));
    });
    assert.equal(status, 130, stderr);
    assert.match(stderr, /stopped by Ctrl-C/);
    const lines = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trainLoss?: number });
    const epochs = lines.filter((l) => l.trainLoss !== undefined).length;
    assert.ok(epochs >= 1 && epochs < 40, `epochs written: ${epochs}`);
    for (const f of ['config.json', 'diagnostics.json', 'predictions.csv', 'model.json']) assert.ok(existsSync(path.join(out, f)), f);
  });
});

describe('lr-find: the learning-rate range test (Smith 2017)', () => {
  test('suggests a rate on a config that learns, as a flag with a fix; --json gives the sweep', () => {
    const r = cli(['lr-find', 'examples/iris.losslens.json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Suggested learning rate: [\d.e-]+ \(the minimum \/ 10, fastai's rule\); now 0\.01\./);
    assert.match(r.stdout, /fix: Set the learning rate to [\d.e-]+ \[optimizer\.learningRate = [\d.e-]+\]/);
    const json = JSON.parse(cli(['lr-find', 'examples/iris.losslens.json', '--json']).stdout) as { suggested: number; points: { learningRate: number; loss: number }[] };
    assert.ok(json.suggested > 1e-4 && json.suggested < 1, `suggested ${json.suggested}`);
    assert.ok(json.points.length >= 10 && json.points.every((p, i, a) => i === 0 || p.learningRate > a[i - 1]!.learningRate));
  });

  test('suggests nothing when no rate gets the loss below chance (raw features that kill the network)', () => {
    const r = cli(['lr-find', 'examples/exploding.losslens.json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /No learning rate to suggest: .* never fell clearly below 1\.099, the loss of guessing \(ln 3\)/);
  });

  test('bad input exits 2 naming the file', () => {
    const r = cli(['lr-find', 'nope.losslens.json']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /nope\.losslens\.json/);
    assert.doesNotMatch(r.stderr, STACK);
  });
});
