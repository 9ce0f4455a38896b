/**
 * Hostile inputs through `loss-lens` as users run it: each exits 2 with a message that
 * names the file and the key, row or column, quotes inputs bounded, and never a stack trace. Before
 * the fix they trained on merged labels, ended in a NaN blamed on the learning rate, hung, grew
 * without bound, exited 1, or echoed whole inputs (and a secret from outside the workspace).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve('out/cli.js');
/** A stack trace line as node prints them. */
const STACK = /^\s+at .+\(?.*:\d+:\d+\)?$/m;
const BIG = 'h'.repeat(7 << 20);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

let ws: string;

function cli(...args: string[]): { status: number | null; stderr: string } {
  // A hang (the FIFO case before the fix) ends here as a null status, not as a stuck test run.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ws, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
  return { status: r.status, stderr: r.stderr };
}

function write(name: string, content: string | Buffer): void {
  mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
  writeFileSync(path.join(ws, name), content);
}

/** `train` on a config written from `body`: exit 2, a bounded message matching every pattern, no stack trace. */
function refusedTrain(name: string, body: object | string, ...patterns: RegExp[]): string {
  write(`${name}.losslens.json`, typeof body === 'string' ? body : JSON.stringify(body));
  return refused(cli('train', `${name}.losslens.json`, '--out', path.join(ws, 'runs', name)), patterns);
}

function refused(r: { status: number | null; stderr: string }, patterns: readonly RegExp[]): string {
  assert.equal(r.status, 2, r.stderr.slice(0, 2000));
  for (const p of patterns) assert.match(r.stderr, p);
  assert.doesNotMatch(r.stderr, STACK);
  assert.ok(r.stderr.length < 4000, `${r.stderr.length} characters of output`);
  return r.stderr;
}

const rows = (n: number, row: (i: number) => string): string => Array.from({ length: n }, (_, i) => row(i)).join('\n') + '\n';

describe('loss-lens on hostile inputs: exit 2, file and key or row named', () => {
  before(() => {
    ws = mkdtempSync(path.join(tmpdir(), 'losslens-cli-inputs-'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  test('Latin-1 labels: refused at the byte (réd and rèd used to merge into one class)', () => {
    write('latin1.csv', Buffer.from('x,color\n' + rows(30, (i) => `${i},${['r\u00e9d', 'r\u00e8d', 'blue'][i % 3]}`), 'latin1'));
    refusedTrain('latin1', { data: { source: 'latin1.csv' }, training: { epochs: 1 } }, /loss-lens: latin1\.csv, line 2, character 4 \(byte offset 11\): the byte E9 is not valid UTF-8 text/, /data\.encoding/);
  });

  test('a column of ±1e308: the file, row and column', () => {
    write('huge.csv', 'a,b,label\n' + rows(40, (i) => `${i % 2 ? '1e308' : '-1e308'},${i},${i % 3 ? 'x' : 'y'}`));
    refusedTrain('huge', { data: { source: 'huge.csv' }, training: { epochs: 1 } }, /huge\.csv, row 2, column "a": "-1e308" is beyond the float32 range/);
  });

  test('class weights all zero: the config and loss.classWeights', () => {
    refusedTrain('zerow', { data: { source: 'iris' }, loss: { classWeights: { setosa: 0, versicolor: 0, virginica: 0 } }, training: { epochs: 1 } }, /zerow\.losslens\.json: loss\.classWeights: gives weight 0 to every class/);
  });

  test('a weight of 1e39 in model.init: the file and the weight', () => {
    const model = { format: 'loss-lens-model/1', inputSize: 4, classes: ['setosa', 'versicolor', 'virginica'], output: 'softmax', layers: [{ weight: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], bias: [0, 0, 0], activation: 'softmax' }] };
    write('init.json', JSON.stringify(model).replace('[[0,0', '[[1e39,0'));
    refusedTrain('init', { data: { source: 'iris' }, model: { hidden: [], init: 'init.json' }, training: { epochs: 1 } }, /init\.json: layers\[0\]\.weight\[0\]\[0\] is 1e\+39, beyond the float32 range/);
  });

  test('huge hidden layers: model.hidden, before anything is allocated (used to exit 1 or fill 3 GB)', () => {
    refusedTrain('h14k', { data: { source: 'iris' }, model: { hidden: [14000, 14000] } }, /h14k\.losslens\.json: model\.hidden: \[14000, 14000\] makes a model of at least 196 million weights .* more than the 2\.0 GiB a run may use/);
    refusedTrain('h64k', { data: { source: 'iris' }, model: { hidden: [65536, 65536] } }, /h64k\.losslens\.json: model\.hidden: \[65536, 65536\]/);
  });

  test('a FIFO as model.init is refused at once, not waited on', () => {
    execFileSync('mkfifo', [path.join(ws, 'fifo.json')]);
    refusedTrain('fifo', { data: { source: 'iris' }, model: { hidden: [], init: 'fifo.json' } }, /fifo\.losslens\.json: model\.init: "fifo\.json" cannot be read: it is a pipe, not a regular file/);
  });

  test('/dev/zero, a folder and a symbolic link loop as data; /dev/zero and a loop to diagnose', () => {
    mkdirSync(path.join(ws, 'folder.csv'));
    symlinkSync('loop2.csv', path.join(ws, 'loop1.csv'));
    symlinkSync('loop1.csv', path.join(ws, 'loop2.csv'));
    refusedTrain('zero', { data: { source: '/dev/zero' } }, /zero\.losslens\.json: data\.source: "\/dev\/zero" cannot be read: it is a device, not a regular file/);
    refusedTrain('folder', { data: { source: 'folder.csv' } }, /folder\.losslens\.json: data\.source: "folder\.csv" cannot be read: it is a directory/);
    refusedTrain('loop', { data: { source: 'loop1.csv' } }, /loop\.losslens\.json: data\.source: "loop1\.csv" cannot be read: it is a symbolic link loop/);
    refused(cli('diagnose', '/dev/zero'), [/loss-lens: \/dev\/zero: not a regular file \(a FIFO, a device or a socket\)/]);
    refused(cli('diagnose', 'loop1.csv'), [/loss-lens: loop1\.csv: a symbolic link loop/]);
  });

  test('a config nested 8,000 levels deep: the file and where (used to overflow the stack, exit 1)', () => {
    refusedTrain('deep', `{"data":{"source":"iris"},"diagnostics":${'['.repeat(8000)}${']'.repeat(8000)}}`, /deep\.losslens\.json: line 1, column \d+: nested more than 64 levels deep/);
  });

  test('a 7 MB header name, cell and category are quoted as 200 characters and a length', () => {
    const bounded = /"h{200}…" \(7,340,032 characters\)/;
    write('head.csv', `a,${BIG},label\n` + rows(20, (i) => `${i},${i},${i % 2}`));
    refusedTrain('head', { data: { source: 'head.csv', target: 'nope' } }, /head\.csv: the target column "nope" \(data\.target\) does not exist/, bounded);
    write('train.csv', 'a,b,label\n' + rows(20, (i) => `${i},${i},${i % 2}`));
    write('cell.csv', 'a,b,label\n' + rows(5, (i) => `${i},${i},${i % 2}`) + `1,${BIG},0\n`);
    refusedTrain('cell', { data: { train: 'train.csv', validation: 'cell.csv' } }, /cell\.csv, row 7, column "b": "h{200}…" \(7,340,032 characters\) is not a number/);
    write('category.csv', 'a,label\n' + rows(20, (i) => `${i},${BIG}`));
    refusedTrain('category', { data: { source: 'category.csv' } }, /category\.csv: the target column "label" has a single class/, bounded);
  });

  test('10,001 columns: twenty names and how many more', () => {
    const names = Array.from({ length: 10001 }, (_, i) => `col${i}`);
    write('wide.csv', `${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
    const out = refusedTrain('wide', { data: { source: 'wide.csv', target: 'nope' } }, /wide\.csv: the target column "nope" \(data\.target\) does not exist/, /"col19" and 9,981 more/);
    assert.doesNotMatch(out, /"col20"/);
  });

  test('a bare metrics.jsonl broken in the middle: the file and line (was a stack trace, exit 1)', () => {
    write('copied/metrics.jsonl', '{"epoch":1,"trainLoss":0.9,"valLoss":1.0}\n{"epoch":2,"trainLoss":oops}\n{"epoch":3,"trainLoss":0.7,"valLoss":0.8}\n');
    refused(cli('diagnose', 'copied/metrics.jsonl'), [/copied\/metrics\.jsonl:2: not a JSON object/]);
    refused(cli('diagnose', 'copied'), [/copied\/metrics\.jsonl:2: not a JSON object/]);
  });

  test('a file outside the workspace: its first line never appears in the message', () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'losslens-home-'));
    try {
      writeFileSync(path.join(outside, 'credentials'), `AWS_SECRET_ACCESS_KEY=${SECRET},aws_access_key_id=AKIAIOSFODNN7EXAMPLE\n1,2\n`);
      const out = refusedTrain('outside', { data: { source: path.join(outside, 'credentials'), target: 'label' } }, /credentials: the target column "label" \(data\.target\) does not exist/, /is outside the config's folder and the workspace/);
      assert.ok(!out.includes(SECRET) && !out.includes('AKIA') && !out.includes('AWS_SECRET'), out);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
