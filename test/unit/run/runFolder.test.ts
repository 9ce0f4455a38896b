import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { createRunDir, csvField, DEFAULT_RUNS_FOLDER, folderSafeName, parseMetricsJsonl, parsePredictionsCsv, predictionsCsv, readRunFolder, readRunFolderAsync, RunFolderWriter, runTimestamp } from '../../../src/runFolder';
import type { EpochMetrics, SplitOutputs } from '../../../src/model';
import { scratchFolders } from '../helpers/scratch';

const tmp = scratchFolders('losslens-run-');

const epoch = (n: number, over: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch: n, trainLoss: 1 / n, valLoss: 1.1 / n, trainAccuracy: 0.5, valAccuracy: 0.4, learningRate: 0.001, gradNorm: 2, timeMs: 12, ...over,
});

function outputs(probabilities: number[], labels: number[], classes: number): SplitOutputs {
  return { output: 'softmax', classes, rows: labels.length, logits: new Float32Array(probabilities.length), probabilities: Float32Array.from(probabilities), labels: Int32Array.from(labels) };
}

describe('metrics.jsonl', () => {
  test('epoch records carry exactly the contract keys, in order; steps {step, epoch, loss, gradNorm}; flushed per epoch', () => {
    const dir = tmp();
    const w = new RunFolderWriter(dir);
    w.step({ step: 1, epoch: 1, loss: 0.9, gradNorm: 3 });
    const file = path.join(dir, 'metrics.jsonl');
    assert.equal(readFileSync(file, 'utf8'), '', 'steps wait for their epoch');
    w.epoch(epoch(1));
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(Object.keys(lines[0]!), ['step', 'epoch', 'loss', 'gradNorm']);
    assert.deepEqual(Object.keys(lines[1]!), ['epoch', 'trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy', 'learningRate', 'gradNorm', 'timeMs']);
    assert.equal(lines[1]!.valLoss, 1.1);
    w.close();
  });

  test('a non-finite value is written as null and read back as NaN', () => {
    const dir = tmp();
    const w = new RunFolderWriter(dir);
    w.step({ step: 1, epoch: 1, loss: Infinity, gradNorm: NaN });
    w.epoch(epoch(1, { trainLoss: NaN, valLoss: -Infinity, gradNorm: Infinity }));
    w.close();
    const text = readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8');
    assert.match(text, /^\{"step":1,"epoch":1,"loss":null,"gradNorm":null\}\n\{"epoch":1,"trainLoss":null,"valLoss":null,/);
    const back = readRunFolder(dir);
    assert.ok(Number.isNaN(back.epochs[0]!.trainLoss));
    assert.ok(Number.isNaN(back.steps[0]!.loss));
    assert.equal(back.epochs[0]!.trainAccuracy, 0.5);
  });

  test('a stopped run keeps the steps of its unfinished epoch', () => {
    const dir = tmp();
    const w = new RunFolderWriter(dir);
    w.epoch(epoch(1));
    w.step({ step: 2, epoch: 2, loss: 0.5, gradNorm: 1 });
    w.close();
    const back = readRunFolder(dir);
    assert.equal(back.epochs.length, 1);
    assert.deepEqual(back.steps, [{ step: 2, epoch: 2, loss: 0.5, gradNorm: 1 }]);
  });

  test('a partly written last line is tolerated; a bad line before it names the line', () => {
    const dir = tmp();
    const w = new RunFolderWriter(dir);
    w.epoch(epoch(1));
    w.epoch(epoch(2));
    w.close();
    appendFileSync(path.join(dir, 'metrics.jsonl'), '{"epoch":3,"trainLoss":0.3,"valL');
    const back = readRunFolder(dir);
    assert.equal(back.epochs.length, 2);
    assert.equal(back.partialLastLine, true);
    assert.throws(() => parseMetricsJsonl('{"epoch":1,"trainLoss":1}\n{oops\n{"epoch":2,"trainLoss":1}\n', 'm.jsonl'), /m\.jsonl:2: not a JSON object/);
  });
});

describe('predictions.csv', () => {
  test('label then p:<class>, rows in order, 9 significant digits (contract: at least 7)', () => {
    const text = predictionsCsv(['a', 'b'], outputs([0.123456789, 0.876543211, 1e-12, 1], [1, 0], 2));
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'label,p:a,p:b');
    const first = lines[1]!.split(',');
    assert.equal(first[0], 'b');
    // float32 of 0.123456789 is 0.123456791...; 9 digits round-trip the float32 exactly.
    assert.equal(Math.fround(Number(first[1])), Math.fround(0.123456789));
    for (const field of [first[1]!, first[2]!]) assert.ok(field.replace(/^0\.|e.*$|\./g, '').replace(/^0+/, '').length >= 7, field);
    assert.equal(lines[2], `a,${(Math.fround(1e-12)).toPrecision(9)},1.00000000`);
  });

  test('class names are CSV-quoted when needed and read back', () => {
    assert.equal(csvField('build wind, float'), '"build wind, float"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('plain'), 'plain');
    const classes = ['x,1', 'y "2"'];
    const text = predictionsCsv(classes, outputs([0.25, 0.75], [0], 2));
    assert.equal(text.split('\n')[0], 'label,"p:x,1","p:y ""2"""');
    const back = parsePredictionsCsv(text, 'p.csv');
    assert.deepEqual(back.classes, classes);
    assert.deepEqual(back.labels, ['x,1']);
    assert.deepEqual(back.probabilities, [[0.25, 0.75]]);
  });
});

describe('run folder files', () => {
  test('config.json, diagnostics.json, model.json are whole JSON; no temporary files remain', () => {
    const dir = tmp();
    const w = new RunFolderWriter(dir);
    w.writeDiagnostics({ flags: [], calibration: null, suspectedMislabeled: [{ row: 3, label: 'a', suggested: 'b', score: 0.9 }] });
    w.close();
    const d = JSON.parse(readFileSync(path.join(dir, 'diagnostics.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(d), ['flags', 'calibration', 'suspectedMislabeled']);
    assert.ok(!existsSync(path.join(dir, 'diagnostics.json.partial')));
  });

  test('default run folder: .losslens/runs/<YYYYMMDD-HHMMSS>-<name>, with a suffix on collision', () => {
    const root = tmp();
    const at = new Date(2026, 10, 22, 21, 48, 0);
    assert.equal(runTimestamp(at), '20261122-214800');
    const a = createRunDir(path.join(root, DEFAULT_RUNS_FOLDER), 'iris', at);
    const b = createRunDir(path.join(root, DEFAULT_RUNS_FOLDER), 'iris', at);
    assert.equal(a, path.join(root, '.losslens', 'runs', '20261122-214800-iris'));
    assert.equal(b, `${a}-2`);
    assert.equal(folderSafeName('a/b: c?'), 'a-b-c');
  });

  test('readRunFolder names the folder when it is not one', () => {
    const dir = tmp();
    assert.throws(() => readRunFolder(path.join(dir, 'missing')), /no such folder/);
    writeFileSync(path.join(dir, 'x.txt'), '');
    assert.throws(() => readRunFolder(dir), /no metrics\.jsonl/);
  });
});

describe('a run folder holding something else than files', () => {
  test('a FIFO named metrics.jsonl is refused with why, a FIFO optional file is skipped, and neither blocks', { skip: process.platform === 'win32' ? 'no FIFOs' : false }, async () => {
    const dir = tmp();
    const { spawnSync } = await import('node:child_process');
    spawnSync('mkfifo', [path.join(dir, 'metrics.jsonl')]);
    assert.throws(() => readRunFolder(dir), /metrics\.jsonl: .*(pipe|FIFO|not a regular file)/i);
    await assert.rejects(readRunFolderAsync(dir), /metrics\.jsonl: .*(pipe|FIFO|not a regular file)/i);
    const other = tmp();
    writeFileSync(path.join(other, 'metrics.jsonl'), '{"epoch":1,"trainLoss":1,"valLoss":1}\n');
    spawnSync('mkfifo', [path.join(other, 'diagnostics.json')]);
    assert.equal(readRunFolder(other).epochs.length, 1);
    assert.equal((await readRunFolderAsync(other)).diagnostics, undefined);
  });
});
