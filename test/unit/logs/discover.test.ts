import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverRuns, filterRuns, type ListedEntry } from '../../../src/logs/discoverRuns';
import { metricRole } from '../../../src/logs/metricNames';
import { parseMetricArgs, parseMetricsSidecar } from '../../../src/logs/metricsSidecar';
import { epochFromName, parsePredictions } from '../../../src/logs/predictionsFile';
import { readLogBytes, readTrainingLog } from '../../../src/logs/readLog';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'losslens-discover-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (p: string, extra: Partial<ListedEntry> = {}): ListedEntry => ({ path: p, kind: 'file', ...extra });

describe('runs found in a folder listing', () => {
  const listing: ListedEntry[] = [
    file('lightning_logs/version_0/metrics.csv', { head: 'epoch,step,train_loss,val_loss' }),
    file('lightning_logs/version_0/hparams.yaml'),
    file('lightning_logs/version_1/metrics.csv', { head: 'epoch,step,train_loss,val_loss' }),
    file('lightning_logs/version_1/events.out.tfevents.1.host.1.0'),
    file('keras/logs/train/events.out.tfevents.1.host.1.0.v2'),
    file('keras/logs/validation/events.out.tfevents.2.host.1.1.v2'),
    file('keras/logs/train/plugins/profile/x.pb'),
    file('keras/training.log', { head: 'epoch,accuracy,loss,val_accuracy,val_loss' }),
    file('torch/exp1/events.out.tfevents.1.host.1.0'),
    file('torch/exp1/Loss_train/events.out.tfevents.2.host.1.1'),
    file('torch/exp1/Loss_val/events.out.tfevents.2.host.1.2'),
    file('torch/exp1/predictions.csv'),
    file('torch/losslens.metrics.json'),
    file('hf/out/checkpoint-500/trainer_state.json', { mtimeMs: 2 }),
    file('hf/out/checkpoint-1000/trainer_state.json', { mtimeMs: 3 }),
    file('hf/out/checkpoint-1000/model.safetensors'),
    file('hf/out/runs/Jan01_host/events.out.tfevents.1.host.1.0'),
    file('mine/log.jsonl', { head: '{"step": 1, "loss": 0.5}' }),
    file('.losslens/runs/20250101-iris/metrics.jsonl'),
    file('.losslens/runs/20250101-iris/config.json'),
    file('data/iris.csv', { head: 'sepal_length,sepal_width,petal_length,petal_width,species' }),
  ];
  const runs = discoverRuns(listing, 'workspace');

  test('every format, named by its path; split folders and add_scalars writers join their parent run', () => {
    assert.deepEqual(
      runs.map((r) => [r.name, r.format, r.files.length]),
      [
        ['.losslens/runs/20250101-iris', 'losslens-run', 1],
        ['hf/out', 'hf-trainer-state', 1],
        ['hf/out/runs/Jan01_host', 'tensorboard', 1],
        ['keras/logs', 'tensorboard', 2],
        ['keras/training.log', 'keras-csv', 1],
        ['lightning_logs/version_0', 'lightning-csv', 1],
        ['lightning_logs/version_1', 'lightning-csv', 1],
        ['lightning_logs/version_1', 'tensorboard', 1],
        ['mine/log.jsonl', 'jsonl', 1],
        ['torch/exp1', 'tensorboard', 3],
      ],
    );
  });

  test('Hugging Face: the newest checkpoint\'s trainer_state.json; predictions and the nearest sidecar come with their run', () => {
    assert.deepEqual(runs.find((r) => r.format === 'hf-trainer-state')!.files, ['hf/out/checkpoint-1000/trainer_state.json']);
    const torch = runs.find((r) => r.name === 'torch/exp1')!;
    assert.deepEqual(torch.predictions, ['torch/exp1/predictions.csv']);
    assert.equal(torch.sidecar, 'torch/losslens.metrics.json');
  });

  test('a JSON-lines log in Loss Lens\'s own metrics.jsonl shape is told from a generic one by its first line', () => {
    const found = discoverRuns(
      [
        file('copied/metrics.jsonl', { head: '{"epoch":1,"trainLoss":0.9,"valLoss":1.0,"trainAccuracy":0.5}' }),
        file('copied/steps.jsonl', { head: '{"step":1,"epoch":1,"loss":0.8,"gradNorm":1.2}' }),
        file('mine/log.jsonl', { head: '{"step": 1, "loss": 0.5}' }),
        file('mine/epochs.jsonl', { head: '{"epoch": 1, "trainLoss": 0.5}' }),
      ],
      'w',
    );
    assert.deepEqual(
      found.map((r) => [r.name, r.format, r.metricsJsonl ?? false]),
      [
        ['copied/metrics.jsonl', 'jsonl', true],
        ['copied/steps.jsonl', 'jsonl', true],
        ['mine/epochs.jsonl', 'jsonl', false],
        ['mine/log.jsonl', 'jsonl', false],
      ],
    );
  });

  test('the folder itself as a run takes the name given', () => {
    assert.deepEqual(discoverRuns([file('events.out.tfevents.1.h.1.0')], 'exp7').map((r) => r.name), ['exp7']);
  });

  test('filter: a regular expression (case-insensitive, as TensorBoard), else a plain substring', () => {
    assert.deepEqual(filterRuns(runs, 'version_[01]$').map((r) => r.name), ['lightning_logs/version_0', 'lightning_logs/version_1', 'lightning_logs/version_1']);
    assert.deepEqual(filterRuns(runs, 'KERAS/LOGS').map((r) => r.name), ['keras/logs']);
    assert.deepEqual(filterRuns(runs, 'exp1(').map((r) => r.name), [], 'an invalid regex is a substring');
    assert.deepEqual(filterRuns(runs, 'torch/exp1').map((r) => r.name), ['torch/exp1']);
    assert.equal(filterRuns(runs, '').length, runs.length);
  });

  test('a lightning_logs/ folder, a run\'s parent, a whole tree are read, not refused', () => {
    const dir = path.join(tmp, 'lightning_logs');
    for (const [v, rows] of [
      ['version_0', 3],
      ['version_1', 5],
    ] as const) {
      mkdirSync(path.join(dir, v), { recursive: true });
      const lines = ['epoch,step,train_loss_step,val_loss'];
      for (let e = 0; e < rows; e++) lines.push(`${e},${2 * e},${1 - e / 10},`, `${e},${2 * e + 1},,${1.1 - e / 10}`);
      writeFileSync(path.join(dir, v, 'metrics.csv'), `${lines.join('\n')}\n`);
    }
    const log = readTrainingLog(dir);
    assert.equal(log.epochs.length, 5);
    assert.match(log.notes[0]!, /2 runs found; read "version_1" \(the most epochs\); the others: version_0/);
    assert.equal(readTrainingLog(tmp).epochs.length, 5, 'the parent of lightning_logs/');
  });
});

describe('metric names as trainers write them', () => {
  test('the names of issue 11 and the trainers\' docs', () => {
    const table: [string, string | undefined, string | undefined][] = [
      ['loss', 'trainLoss', undefined],
      ['val_loss', 'valLoss', undefined],
      ['epoch_loss', 'trainLoss', 'epoch'],
      ['train/loss', 'trainLoss', undefined],
      ['Loss/train', 'trainLoss', undefined],
      ['train_loss_step', 'trainLoss', 'step'],
      ['train_loss_epoch', 'trainLoss', 'epoch'],
      ['eval_loss', 'valLoss', undefined],
      ['learning_rate', 'learningRate', undefined],
      ['lr-Adam', 'learningRate', undefined],
      ['lr-AdamW/pg1', 'learningRate', undefined],
      ['grad_norm', 'gradNorm', undefined],
      ['grad_2.0_norm_total', 'gradNorm', undefined],
      ['train/loss_step', 'trainLoss', 'step'],
      ['val/loss', 'valLoss', undefined],
      ['val/acc', 'valAccuracy', undefined],
      ['loss_step', 'trainLoss', 'step'],
      ['validation/epoch_accuracy', 'valAccuracy', 'epoch'],
      ['Loss_val/Loss', 'valLoss', undefined],
      ['valLoss', 'valLoss', undefined],
      ['trainAccuracy', 'trainAccuracy', undefined],
      ['test_loss', 'valLoss', undefined],
      ['validation/evaluation_loss_vs_iterations', undefined, undefined],
      ['eval_runtime', undefined, undefined],
      ['epoch_steps_per_second', undefined, undefined],
    ];
    for (const [name, metric, gran] of table) {
      const role = metricRole(name);
      assert.equal(role?.metric, metric, name);
      assert.equal(role?.granularity, gran, name);
    }
    assert.ok(metricRole('val_loss')!.rank < metricRole('test_loss')!.rank, 'validation before test');
  });

  test('Lightning CSV with "train/loss_step", "val/loss", "val/acc": steps, epochs and accuracy, not only the learning rate', () => {
    const text = 'epoch,lr-Adam,step,train/loss_step,train/loss_epoch,val/acc,val/loss\n,0.01,0,,,,\n0,,1,0.9,,,\n0,,3,0.7,,,\n0,,3,,,0.5,0.8\n0,,3,,0.85,,\n1,,5,0.6,,,\n1,,7,0.5,,,\n1,,7,,,0.6,0.7\n1,,7,,0.55,,\n';
    const log = readLogBytes('lightning-csv', text, 'metrics.csv');
    assert.deepEqual(log.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss, e.valAccuracy]), [
      [1, 0.85, 0.8, 0.5],
      [2, 0.55, 0.7, 0.6],
    ]);
    assert.equal(log.epochs[0]!.learningRate, 0.01);
    assert.deepEqual(log.steps.map((s) => [s.step, s.epoch, s.loss]), [
      [2, 1, 0.9],
      [4, 1, 0.7],
      [6, 2, 0.6],
      [8, 2, 0.5],
    ]);
    const bare = readLogBytes('lightning-csv', 'epoch,step,loss_step,val_loss\n0,0,1.0,\n0,1,0.8,\n0,1,,0.9\n', 'metrics.csv');
    assert.deepEqual(bare.steps.map((s) => s.loss), [1.0, 0.8]);
    assert.equal(bare.epochs[0]!.valLoss, 0.9);
  });

  test('losslens.metrics.json maps names the rules do not know; its mistakes name the key', () => {
    const mapping = parseMetricsSidecar(JSON.stringify({ metrics: { 'objective/holdout': 'valLoss', ce: { metric: 'trainLoss', per: 'step' }, loss: null }, epoch: 'ep' }), 'losslens.metrics.json');
    const log = readLogBytes('jsonl', '{"ep": 0, "ce": 1.0, "objective/holdout": 1.2, "loss": 9}\n{"ep": 1, "ce": 0.8, "objective/holdout": 1.1, "loss": 9}\n', 'log.jsonl', { mapping });
    assert.deepEqual(log.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss]), [
      [1, 1.0, 1.2],
      [2, 0.8, 1.1],
    ]);
    assert.throws(() => parseMetricsSidecar('{"metrics": {"x": "valLos"}}', 'm.json'), /m\.json: metrics\["x"\] must be one of trainLoss, valLoss/);
    assert.throws(() => parseMetricsSidecar('{"metric": {}}', 'm.json'), /unknown key "metric"/);
    assert.throws(() => parseMetricsSidecar('{"metrics": {"x": {"metric": "valLoss", "per": "batch"}}}', 'm.json'), /metrics\["x"\]\.per must be "step" or "epoch"/);
    const args = parseMetricArgs(['objective/holdout=valLoss', 'ce=trainLoss:step', 'loss=none']);
    assert.deepEqual([...args.overrides.entries()], [
      ['objective/holdout', { metric: 'valLoss' }],
      ['ce', { metric: 'trainLoss', per: 'step' }],
      ['loss', null],
    ]);
    assert.throws(() => parseMetricArgs(['ce=train']), /--metric: "ce=train": the metric must be one of/);
  });
});

describe('predictions of an outside model (the predictions.csv format)', () => {
  test('label + p:<class> columns, a row id and an epoch column: one SplitOutputs per epoch', () => {
    const text = 'row,epoch,label,p:cat,p:dog\n7,1,cat,0.6,0.4\n9,1,dog,0.3,0.7\n7,2,cat,0.9,0.1\n9,2,dog,0.2,0.8\n';
    const p = parsePredictions(text, 'predictions.csv');
    assert.deepEqual(p.classes, ['cat', 'dog']);
    assert.deepEqual(p.groups.map((g) => [g.epoch, g.outputs.rows, [...g.outputs.labels], g.rowIds]), [
      [1, 2, [0, 1], ['7', '9']],
      [2, 2, [0, 1], ['7', '9']],
    ]);
    const last = p.groups[1]!.outputs;
    assert.deepEqual([...last.probabilities].map((v) => Math.round(v * 10) / 10), [0.9, 0.1, 0.2, 0.8]);
    assert.ok(Math.abs(Math.exp(last.logits[0]!) - 0.9) < 1e-6);
    assert.equal(epochFromName('predictions-epoch12.csv'), 12);
    assert.equal(parsePredictions('label,p:a,p:b\na,1,0\n', 'predictions-epoch3.csv', 3).groups[0]!.epoch, 3);
  });

  test('bad predictions name the file, the row and the column', () => {
    assert.throws(() => parsePredictions('label,p:a\na,1\n', 'p.csv'), /p\.csv:1: expected a header with a "label" column/);
    assert.throws(() => parsePredictions('label,p:a,p:b\nc,0.5,0.5\n', 'p.csv'), /p\.csv:2: column "label": "c" is not one of the classes/);
    assert.throws(() => parsePredictions('label,p:a,p:b\na,1.5,0\n', 'p.csv'), /p\.csv:2: column "p:a": "1.5" is not a probability/);
    assert.deepEqual(parsePredictions('label,p:a,p:b\na,0.5,0.4\n', 'p.csv').notes, ['p.csv: 1 row whose probabilities do not sum to 1 (within 0.001): read as given']);
  });

  test('found next to the log: diagnose gets its classes and final calibration; a broken one never blocks the log', () => {
    const dir = path.join(tmp, 'with-predictions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'training.log'), 'epoch,loss,val_loss\n0,0.9,1.0\n1,0.7,0.8\n');
    writeFileSync(path.join(dir, 'predictions.csv'), 'label,p:a,p:b\na,0.9,0.1\nb,0.2,0.8\n');
    const log = readTrainingLog(dir);
    assert.deepEqual(log.classes, ['a', 'b']);
    assert.equal(log.finalValidation?.rows, 2);
    writeFileSync(path.join(dir, 'predictions.csv'), 'label,p:a,p:b\na,x,0.1\n');
    const broken = readTrainingLog(dir);
    assert.equal(broken.epochs.length, 2);
    assert.ok(broken.notes.some((n) => /predictions\.csv:2: column "p:a": "x" is not a probability.*: predictions not used/.test(n)), broken.notes.join('\n'));
  });

  test('what is not a regular file is named: a FIFO or device, a folder without logs, a symbolic link loop', () => {
    const loop = path.join(tmp, 'loop');
    symlinkSync(loop, loop);
    assert.throws(() => readTrainingLog(loop), /loop: a symbolic link loop/);
    assert.throws(() => readTrainingLog('/dev/null'), /\/dev\/null: not a regular file \(a FIFO, a device or a socket\)/);
    assert.throws(() => readTrainingLog(path.join(tmp, 'nope.csv')), /nope\.csv: no such file or folder/);
  });

  test('an empty log is an error (nothing was read), not "no problems found"', () => {
    const dir = path.join(tmp, 'empty-tb');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'events.out.tfevents.1.host.1.0'), '');
    assert.throws(() => readTrainingLog(dir), (e: Error) => e.name === 'LogError' && /nothing to diagnose: nothing was read \(the log is empty/.test(e.message));
    writeFileSync(path.join(dir, 'training.log'), 'epoch,loss,val_loss\n');
    assert.throws(() => readTrainingLog(path.join(dir, 'training.log')), /nothing was read/);
  });
});
