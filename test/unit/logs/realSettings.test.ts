/**
 * The readers on logs the real libraries wrote in the settings issue 11 found misread
 * (test/fixtures/logs-real/, `generate.py settings` and `generate.py growing`): each expected.json
 * holds what the library itself reported from inside the training loop. TensorBoard stores float32
 * (a value must equal Math.fround of the reported one); CSV and JSON text match exactly.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readTrainingLog } from '../../../src/logs/readLog';
import { findLogRunsSync, readRunSync } from '../../../src/logs/logFiles';
import type { TrainingLog } from '../../../src/logs/trainingLog';
import type { LogUpdate } from '../../../src/logs/logUpdate';
import { diagnoseTrainingLog } from '../../../src/sources/logJudge';

const FIX = 'test/fixtures/logs-real';
type Json = Record<string, unknown>;
interface Epoch {
  readonly epoch: number;
  readonly trainLoss?: number;
  readonly valLoss?: number;
  readonly trainAccuracy?: number;
  readonly valAccuracy?: number;
}
const METRICS = ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy'] as const;

function expected<T = Json>(run: string): T {
  const text = readFileSync(`${FIX}/${run}/expected.json`, 'utf8').replace(/([:[,]\s*)(NaN|-?Infinity)(?=\s*[,\]}])/g, '$1"$2"');
  return JSON.parse(text, (_k, v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as T;
}
const f32 = Math.fround;
const same = (a: number, b: number, what: string): void => (Number.isNaN(b) ? assert.ok(Number.isNaN(a), `${what}: ${a}`) : assert.equal(a, b, what));
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function assertEpochs(log: TrainingLog, want: readonly Epoch[], map: (v: number) => number, only: readonly (typeof METRICS)[number][] = METRICS): void {
  assert.deepEqual(
    log.epochs.map((e) => e.epoch),
    want.map((e) => e.epoch),
  );
  want.forEach((w, i) => {
    for (const m of only) if (w[m] !== undefined) same(log.epochs[i]![m], map(w[m]!), `epoch ${w.epoch} ${m}`);
  });
}

const serious = (log: TrainingLog): string[] =>
  diagnoseTrainingLog(log)
    .flags.filter((f) => f.severity !== 'info')
    .map((f) => `${f.kind}:${f.severity}`);

/** Every update of a run read whole (for its segments and scalars). */
function updatesOf(target: string): LogUpdate[] {
  const { root, runs } = findLogRunsSync(target);
  assert.equal(runs.length, 1, runs.map((r) => r.name).join());
  return readRunSync(root, runs[0]!).update;
}
const scalar = (updates: readonly LogUpdate[], name: string): { x: number[]; y: number[] } => {
  const s = updates.flatMap((u) => u.scalars).filter((p) => p.name === name);
  return { x: s.flatMap((p) => p.x), y: s.flatMap((p) => p.y) };
};

describe('Keras CSVLogger(append=True) and TensorBoard over two fit() calls (10 then 25 epochs)', () => {
  const run = expected<{ fits: Epoch[][] }>('keras/append-two-fits-iris');
  // Keras numbers both fits from 0; the same model trained on: 35 epochs.
  const all = run.fits.flat().map((e, i) => ({ ...e, epoch: i + 1 }));

  test('training.log: epochs 1..35, the second fit numbered on from the first, with a note', () => {
    const log = readTrainingLog(`${FIX}/keras/append-two-fits-iris/training.log`);
    assertEpochs(log, all, (v) => v);
    assert.ok(log.notes.some((n) => /read as segment 2 \(the same training continued\), numbered on from epoch 11/.test(n)), log.notes.join('\n'));
  });

  test('logs/: the TensorBoard log keeps all 35 epochs (the first 10 are not lost to the second fit)', () => {
    const log = readTrainingLog(`${FIX}/keras/append-two-fits-iris/logs`);
    assertEpochs(log, all, f32);
    // Keras's optimizer iteration count went on growing: the segment is judged a continuation.
    const segments = updatesOf(`${FIX}/keras/append-two-fits-iris/logs`).flatMap((u) => u.segments);
    assert.deepEqual(
      segments.map((s) => [s.index, s.firstEpoch, s.continued]),
      [[1, 11, true]],
    );
  });
});

describe('PyTorch add_scalars: values in Loss_train/, Loss_val/, Accuracy_train/, Accuracy_val/ sub-folders', () => {
  const run = expected<{ epochs: Epoch[] }>('pytorch/add-scalars-wine');

  test('the sub-folders are read as one run, the split from the folder name', () => {
    const { runs } = findLogRunsSync(`${FIX}/pytorch/add-scalars-wine`);
    assert.deepEqual(
      runs.map((r) => [r.name, r.files.length]),
      [['add-scalars-wine', 5]],
    );
    const log = readTrainingLog(`${FIX}/pytorch/add-scalars-wine`);
    assertEpochs(log, run.epochs, f32);
    assert.equal(log.steps.length, 0);
  });

  test('pointed at the run\'s parent folder, the same run is found and read', () => {
    const log = readTrainingLog(`${FIX}/pytorch`);
    assert.ok(log.notes[0]!.startsWith('runs found') || log.notes[0]!.includes('runs found'), log.notes[0]);
    const { runs } = findLogRunsSync(`${FIX}/pytorch`);
    assert.ok(runs.some((r) => r.name === 'add-scalars-wine' && r.files.length === 5));
  });
});

describe('PyTorch add_hparams: the run\'s summary in a <time.time()>/ sub-folder at step 0', () => {
  const run = expected<{ epochs: Epoch[]; steps: number; metrics: Record<string, number> }>('pytorch/hparams-wine');

  test('one run; its curves as PyTorch logged them, epoch 1 not revised by the summary; the summary\'s values named in notes', () => {
    const { runs } = findLogRunsSync(`${FIX}/pytorch/hparams-wine`);
    assert.deepEqual(
      runs.map((r) => [r.name, r.files.length]),
      [['hparams-wine', 2]],
    );
    const log = readTrainingLog(`${FIX}/pytorch/hparams-wine`);
    assertEpochs(log, run.epochs, f32, ['valLoss', 'valAccuracy']);
    assert.equal(log.steps.length, run.steps);
    assert.ok(!log.notes.some((n) => /revised|came after/.test(n)), log.notes.join('\n'));
    for (const [tag, value] of Object.entries(run.metrics)) {
      assert.ok(log.notes.some((n) => n.includes(`add_hparams summary`) && n.includes(`"${tag}" = ${f32(value)}`)), `${tag}: ${log.notes.join('\n')}`);
    }
    assert.deepEqual(serious(log), []);
  });
});

describe('PyTorch: a log_dir reused by a second run', () => {
  const run = expected<{ runs: { epochs: Epoch[]; steps: { step: number; loss: number }[] }[] }>('pytorch/reused-logdir-wine');

  test('read as two segments, never merged; diagnose reads the last run and says so', () => {
    const [first, second] = run.runs;
    assert.ok(first!.epochs[3]!.trainLoss! > 1000, 'the first run blew up');
    const updates = updatesOf(`${FIX}/pytorch/reused-logdir-wine`);
    const segments = updates.flatMap((u) => u.segments);
    assert.deepEqual(
      segments.map((s) => [s.firstEpoch, s.firstStep, s.loggedStep, s.continued]),
      [[5, first!.steps.length + 1, 0, undefined]],
    );
    // Every epoch of both runs, numbered on.
    const all = updates.flatMap((u) => u.epochs);
    assert.deepEqual(
      all.map((e) => e.epoch),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    [...first!.epochs, ...second!.epochs].forEach((w, i) => same(all[i]!.valLoss, f32(w.valLoss!), `epoch ${i + 1} valLoss`));
    const log = readTrainingLog(`${FIX}/pytorch/reused-logdir-wine`);
    assertEpochs(log, second!.epochs, f32, ['valLoss', 'valAccuracy']);
    // No per-epoch training loss was logged: an epoch's is the mean of its 8 logged step losses.
    second!.epochs.forEach((_w, i) => {
      const mine = second!.steps.slice(8 * i, 8 * i + 8).map((s) => f32(s.loss));
      close(log.epochs[i]!.trainLoss, mine.reduce((a, b) => a + b, 0) / mine.length, `epoch ${i + 1} mean step loss`);
    });
    assert.deepEqual(
      log.steps.map((s) => [s.step, s.loss]),
      second!.steps.map((s) => [s.step + 1, f32(s.loss)]),
    );
    assert.ok(log.notes.some((n) => n.startsWith('read the last run only')));
    assert.ok(!serious(log).some((f) => f.startsWith('exploding-loss')), serious(log).join());
  });
});

describe('Lightning: val_check_interval=0.5, self.log("train_loss") per step, "train/acc", "val/loss", "val/acc"', () => {
  interface Step {
    step: number;
    epoch: number;
    loss: number;
  }
  const run = expected<{ epochs: Epoch[]; validations: (Epoch & { step: number })[]; steps: Step[]; logEveryNSteps: number }>('lightning/val-check-wine');
  const logged = run.steps.filter((s) => (s.step + 1) % run.logEveryNSteps === 0);
  const meanLoss = (epoch: number): number => {
    const l = logged.filter((s) => s.epoch === epoch - 1).map((s) => s.loss);
    return l.reduce((a, b) => a + b, 0) / l.length;
  };

  for (const [what, dir, map] of [
    ['metrics.csv', 'csv', (v: number) => v],
    ['TensorBoard', 'tb', f32],
  ] as const) {
    test(`${what}: per-step losses are steps; an epoch's validation values are its last validation's; every validation is kept`, () => {
      const log = readTrainingLog(`${FIX}/lightning/val-check-wine/${dir}`);
      assertEpochs(log, run.epochs, map);
      // self.log("train_loss") in training_step is per step: it gives step records, and the epoch's loss is their mean.
      assert.deepEqual(
        log.steps.map((s) => [s.step, s.epoch, s.loss]),
        logged.map((s) => [s.step + 1, s.epoch + 1, map(s.loss)]),
      );
      run.epochs.forEach((e, i) => close(log.epochs[i]!.trainLoss, dir === 'csv' ? meanLoss(e.epoch) : logged.filter((s) => s.epoch === e.epoch - 1).reduce((a, s, _i, all) => a + f32(s.loss) / all.length, 0), `epoch ${e.epoch} train loss`));
      const val = scalar(updatesOf(`${FIX}/lightning/val-check-wine/${dir}`), 'val/loss');
      assert.deepEqual(
        val.y,
        run.validations.map((v) => map(v.valLoss!)),
      );
      assert.deepEqual(
        val.x,
        run.validations.map((v) => v.step + 1),
      );
    });
  }
});

describe('Hugging Face Trainer: report_to="tensorboard", evaluation every 4 steps, checkpoints every 6', () => {
  interface Entry extends Json {
    step: number;
    epoch: number;
  }
  const run = expected<{ logs: Entry[]; evaluations: Entry[]; numTrainEpochs: number }>('huggingface/steps-tensorboard-diabetes');
  const training = run.logs.filter((l) => 'loss' in l);
  const epochOf = (l: Entry): number => Math.max(1, Math.ceil(l.epoch - 1e-6));

  for (const [what, dir, map, keys] of [
    ['the newest checkpoint\'s trainer_state.json', 'output', (v: number) => v, { loss: 'loss', gradNorm: 'grad_norm', lr: 'learning_rate', val: 'eval_loss', acc: 'eval_accuracy' }],
    ['the TensorBoard log', 'tb', f32, { loss: 'loss', gradNorm: 'grad_norm', lr: 'learning_rate', val: 'eval_loss', acc: 'eval_accuracy' }],
  ] as const) {
    test(`${what}: 4 epochs (not one per logging step or evaluation), each with its last evaluation`, () => {
      const log = readTrainingLog(`${FIX}/huggingface/steps-tensorboard-diabetes/${dir}`);
      // The newest checkpoint (checkpoint-24) was saved before the final summary: it holds all 24 steps.
      assert.deepEqual(
        log.epochs.map((e) => e.epoch),
        [1, 2, 3, 4],
      );
      for (const e of log.epochs) {
        const evals = run.evaluations.filter((v) => epochOf(v) === e.epoch);
        const last = evals[evals.length - 1]!;
        same(e.valLoss, map(last[keys.val] as number), `epoch ${e.epoch} valLoss`);
        same(e.valAccuracy, map(last[keys.acc] as number), `epoch ${e.epoch} valAccuracy`);
        const mine = training.filter((l) => epochOf(l) === e.epoch);
        close(e.trainLoss, mine.reduce((a, l) => a + map(l[keys.loss] as number), 0) / mine.length, `epoch ${e.epoch} trainLoss`);
        same(e.learningRate, map(mine[mine.length - 1]![keys.lr] as number), `epoch ${e.epoch} lr`);
      }
      assert.deepEqual(
        log.steps.map((s) => [s.step, s.epoch, s.loss, s.gradNorm]),
        training.map((l) => [l.step, epochOf(l), map(l[keys.loss] as number), map(l[keys.gradNorm] as number)]),
      );
    });
  }

  test('the whole output tree: the Trainer\'s output folder and its TensorBoard folder are found as runs', () => {
    const { runs } = findLogRunsSync(`${FIX}/huggingface/steps-tensorboard-diabetes`);
    assert.deepEqual(
      runs.map((r) => [r.name, r.format, r.files]),
      [
        ['output', 'hf-trainer-state', ['output/checkpoint-24/trainer_state.json']],
        ['tb', 'tensorboard', runs.find((r) => r.name === 'tb')!.files],
      ],
    );
  });
});
