/**
 * The foreign-log readers on files written by the real libraries (test/fixtures/logs-real/, made by
 * its generate.py: Keras 3.15 / TensorFlow 2.21, PyTorch 2.13 SummaryWriter, Lightning 2.6,
 * transformers 5.18). Each run's expected.json holds what the library itself reported from inside
 * the training loop; the readers must give back the same numbers. TensorBoard stores float32, so
 * there a value must equal Math.fround of the reported one; CSV and JSON text must match exactly.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { readTrainingLog } from '../../../src/logs/readLog';
import type { TrainingLog } from '../../../src/logs/trainingLog';
import { diagnoseTrainingLog } from '../../../src/sources/logJudge';
import type { EpochMetricName } from '../../../src/model';

const FIX = 'test/fixtures/logs-real';
const CLI = path.resolve('out/cli.js');

type Json = Record<string, unknown>;
interface ExpectedEpoch {
  readonly epoch: number;
  readonly trainLoss?: number;
  readonly valLoss?: number;
  readonly trainAccuracy?: number;
  readonly valAccuracy?: number;
  readonly learningRate?: number;
}
interface ExpectedStep {
  readonly step: number;
  readonly loss: number;
}

/** expected.json as Python's json module writes it (bare NaN / Infinity allowed). */
function expected<T = Json>(run: string): T {
  // Quote the bare tokens where a value stands (not inside strings), then turn them back into numbers.
  const text = readFileSync(`${FIX}/${run}/expected.json`, 'utf8').replace(/([:[,]\s*)(NaN|-?Infinity)(?=\s*[,\]}])/g, '$1"$2"');
  return JSON.parse(text, (_k, v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as T;
}

/** The one event file in a folder (its name holds a time stamp and a host name). */
const eventFile = (dir: string): string => path.join(dir, readdirSync(dir).find((n) => n.startsWith('events.out.tfevents.'))!);

/** TensorBoard keeps float32: the reader must return exactly the float32 nearest the reported value. */
const f32 = (v: number): number => Math.fround(v);

function sameValue(actual: number, want: number, what: string): void {
  if (Number.isNaN(want)) assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
  else assert.equal(actual, want, what);
}

/** A mean computed by the reader in another order than Python's: equal to 1e-12 relative. */
function closeValue(actual: number, want: number, what: string): void {
  if (!Number.isFinite(want)) return sameValue(actual, want, what);
  assert.ok(Math.abs(actual - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ${actual} vs ${want}`);
}

type ReportedMetric = Exclude<keyof ExpectedEpoch, 'epoch'> & EpochMetricName;
const METRICS: readonly ReportedMetric[] = ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy', 'learningRate'];

/** Every metric the library reported for an epoch, as `map` says the log stores it. */
function assertEpochs(log: TrainingLog, want: readonly ExpectedEpoch[], map: (v: number) => number, skip: readonly ReportedMetric[] = []): void {
  assert.deepEqual(
    log.epochs.map((e) => e.epoch),
    want.map((e) => e.epoch),
  );
  want.forEach((w, i) => {
    for (const name of METRICS) {
      const v = w[name];
      if (v === undefined || skip.includes(name)) continue;
      sameValue(log.epochs[i]![name], map(v), `epoch ${w.epoch} ${name}`);
    }
  });
}

const seriousFlags = (log: TrainingLog): string[] =>
  diagnoseTrainingLog(log)
    .flags.filter((f) => f.severity !== 'info')
    .map((f) => `${f.kind}:${f.severity}`);

const bestEpoch = (epochs: readonly ExpectedEpoch[]): ExpectedEpoch => epochs.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));

function cliDiagnoseJson(file: string): { flags: { kind: string; severity: string; evidence: Json }[] } {
  const r = spawnSync(process.execPath, [CLI, 'diagnose', file, '--json'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { flags: { kind: string; severity: string; evidence: Json }[] };
}

describe('Keras 3 (TensorFlow backend): CSVLogger and TensorBoard callback', () => {
  const overfit = expected<{ epochs: ExpectedEpoch[]; learningRate: number }>('keras/overfit-diabetes');
  const healthy = expected<{ epochs: ExpectedEpoch[]; batches: ExpectedStep[]; learningRate: number; stepsPerEpoch: number; updateFreq: number }>('keras/healthy-iris');

  test('CSVLogger training.log: every epoch of history.history, digit for digit', () => {
    for (const [run, want] of [
      ['overfit-diabetes', overfit.epochs],
      ['healthy-iris', healthy.epochs],
    ] as const) {
      const log = readTrainingLog(`${FIX}/keras/${run}/training.log`);
      assert.equal(log.format, 'Keras CSVLogger');
      assertEpochs(log, want, (v) => v);
      assert.equal(log.steps.length, 0);
    }
  });

  test('TensorBoard(update_freq="epoch") logs/ folder: train/ and validation/ event files give the same epochs as float32', () => {
    const log = readTrainingLog(`${FIX}/keras/overfit-diabetes/logs`);
    assert.equal(log.format, 'TensorBoard event files');
    assertEpochs(log, overfit.epochs, f32);
    // Keras 3 logs the optimizer's rate as epoch_learning_rate (not in history.history).
    assert.ok(log.epochs.every((e) => e.learningRate === f32(overfit.learningRate)));
    assert.equal(log.steps.length, 0);
  });

  test('TensorBoard(update_freq=5): Keras writes only the epochs that end on a multiple of 5 batches; batch_loss every 5th batch', () => {
    // Keras records summaries only while its global batch count is a multiple of update_freq, and
    // that condition still holds at epoch end: with 6 batches an epoch, epochs 5, 10, ... 30.
    const written = healthy.epochs.filter((e) => (e.epoch * healthy.stepsPerEpoch) % healthy.updateFreq === 0);
    assert.equal(written.length, 6);
    const log = readTrainingLog(`${FIX}/keras/healthy-iris/logs`);
    assertEpochs(log, written, f32);
    const steps = healthy.batches.filter((b) => b.step % healthy.updateFreq === 0);
    assert.deepEqual(
      log.steps.map((s) => s.step),
      steps.map((s) => s.step),
    );
    steps.forEach((s, i) => sameValue(log.steps[i]!.loss, f32(s.loss), `step ${s.step}`));
    // Each batch belongs to the epoch it ran in (batch 5 of 6 in epoch 1, batch 30 ends epoch 5).
    assert.deepEqual(
      log.steps.map((s) => s.epoch),
      steps.map((s) => Math.ceil(s.step / healthy.stepsPerEpoch)),
    );
  });

  test('the overfitting run is flagged with its onset at the validation-loss minimum; the healthy one is not flagged', () => {
    // The numbers: validation loss is lowest at epoch 3 (0.509) and ends at 2.78 after 60 epochs,
    // while training loss falls from 0.673 to 7e-4 and training accuracy reaches 1.0.
    const best = bestEpoch(overfit.epochs);
    const last = overfit.epochs[overfit.epochs.length - 1]!;
    assert.ok(best.epoch <= 5 && last.valLoss! > 4 * best.valLoss! && last.trainLoss! < best.trainLoss! / 100);
    for (const file of ['training.log', 'logs']) {
      const flag = diagnoseTrainingLog(readTrainingLog(`${FIX}/keras/overfit-diabetes/${file}`)).flags.find((f) => f.kind === 'overfitting');
      assert.ok(flag, file);
      assert.equal(flag.severity, 'error');
      assert.equal(flag.evidence.onsetEpoch, best.epoch);
    }
    // Iris: validation loss falls from 0.861 to 0.073 over 30 epochs, never rising for long.
    assert.deepEqual(seriousFlags(readTrainingLog(`${FIX}/keras/healthy-iris/training.log`)), []);
    assert.deepEqual(seriousFlags(readTrainingLog(`${FIX}/keras/healthy-iris/logs`)), []);
  });

  test('the CLI: `loss-lens diagnose training.log --json` exits 0 with the overfitting flag', () => {
    const report = cliDiagnoseJson(`${FIX}/keras/overfit-diabetes/training.log`);
    assert.ok(report.flags.some((f) => f.kind === 'overfitting' && f.severity === 'error'));
  });
});

describe('PyTorch SummaryWriter event files', () => {
  const diverging = expected<{ epochs: ExpectedEpoch[]; steps: ExpectedStep[] }>('pytorch/diverging-wine');
  const healthy = expected<{ epochs: ExpectedEpoch[]; steps: ExpectedStep[] }>('pytorch/healthy-breast-cancer');

  test('"Loss/train" per global step (from 0), "Loss/val", "Accuracy/val", "lr" per epoch (from 0): one file', () => {
    const log = readTrainingLog(eventFile(`${FIX}/pytorch/diverging-wine`));
    assert.equal(log.format, 'TensorBoard event files');
    // The epoch training loss was never logged: the reader takes the mean of the epoch's step losses.
    assertEpochs(log, diverging.epochs, f32, ['trainLoss']);
    diverging.epochs.forEach((e, i) => closeValue(log.epochs[i]!.trainLoss, e.trainLoss!, `epoch ${e.epoch} mean step loss`));
    assert.equal(log.steps.length, diverging.steps.length);
    diverging.steps.forEach((s, i) => {
      assert.equal(log.steps[i]!.step, s.step + 1, 'global steps from 0 become 1-based');
      assert.equal(log.steps[i]!.epoch, Math.floor(s.step / 8) + 1, '8 batches an epoch');
      sameValue(log.steps[i]!.loss, f32(s.loss), `step ${s.step}`);
    });
  });

  test('"train/loss", "val/loss", "train/accuracy", "val/accuracy", "train/lr" per epoch (from 1), "train/batch_loss" per step', () => {
    const log = readTrainingLog(`${FIX}/pytorch/healthy-breast-cancer`);
    assertEpochs(log, healthy.epochs, f32);
    assert.deepEqual(
      log.steps.map((s) => [s.step, s.epoch, s.loss]),
      healthy.steps.map((s) => [s.step, Math.ceil(s.step / 10), f32(s.loss)]),
    );
    assert.deepEqual(seriousFlags(log), []);
  });

  test('the diverging run is flagged as exploding loss (from the library, through the CLI)', () => {
    // The numbers: the epoch-mean training loss falls 1.02 -> 0.16 over epochs 1-4 (learning rate
    // 0.05 -> 1.35), then reaches 6.9e12 at epoch 6 and NaN at epoch 8; validation loss is NaN from epoch 7.
    const [e4, e6, e8] = [diverging.epochs[3]!, diverging.epochs[5]!, diverging.epochs[7]!];
    assert.ok(e4.trainLoss! < 0.2 && e6.trainLoss! > 1e9 && Number.isNaN(e8.trainLoss!) && Number.isNaN(e8.valLoss!));
    const report = cliDiagnoseJson(eventFile(`${FIX}/pytorch/diverging-wine`));
    assert.ok(
      report.flags.some((f) => f.kind === 'exploding-loss' && f.severity === 'error'),
      report.flags.map((f) => f.kind).join(),
    );
  });
});

describe('Lightning 2.6: self.log with CSVLogger and TensorBoardLogger', () => {
  const run = expected<{ epochs: ExpectedEpoch[]; steps: (ExpectedStep & { epoch: number })[]; logEveryNSteps: number; learningRate: number }>('lightning/healthy-wine');
  // Lightning logs train_loss_step every log_every_n_steps batches (its 0-based step + 1 divisible).
  const logged = run.steps.filter((s) => (s.step + 1) % run.logEveryNSteps === 0);

  test('metrics.csv: callback_metrics per epoch; LearningRateMonitor rows (no epoch) join their epoch; step losses', () => {
    const log = readTrainingLog(`${FIX}/lightning/healthy-wine/csv`);
    assert.equal(log.format, 'Lightning metrics.csv');
    assertEpochs(log, run.epochs, (v) => v);
    assert.ok(log.epochs.every((e) => e.learningRate === run.learningRate));
    assert.deepEqual(
      log.steps.map((s) => [s.step, s.epoch, s.loss]),
      logged.map((s) => [s.step + 1, s.epoch + 1, s.loss]),
    );
  });

  test('tb/ event file: every scalar at the global step, epochs read from the "epoch" scalar', () => {
    const log = readTrainingLog(`${FIX}/lightning/healthy-wine/tb`);
    assert.equal(log.format, 'TensorBoard event files');
    assertEpochs(log, run.epochs, f32);
    assert.ok(log.epochs.every((e) => e.learningRate === f32(run.learningRate)));
    assert.deepEqual(
      log.steps.map((s) => [s.step, s.epoch, s.loss]),
      logged.map((s) => [s.step + 1, s.epoch + 1, f32(s.loss)]),
    );
    assert.deepEqual(log.notes, []);
  });

  test('a healthy run raises no warning', () => {
    // Validation loss falls every epoch, 0.693 -> 0.07; accuracy 0.88 -> 0.97.
    assert.deepEqual(seriousFlags(readTrainingLog(`${FIX}/lightning/healthy-wine/csv/metrics.csv`)), []);
    assert.deepEqual(seriousFlags(readTrainingLog(`${FIX}/lightning/healthy-wine/tb`)), []);
  });
});

describe('Hugging Face transformers 5 Trainer: trainer_state.json', () => {
  interface LogEntry extends Json {
    step: number;
    epoch: number;
  }
  const run = expected<{ logs: LogEntry[]; evaluations: LogEntry[] }>('huggingface/overfit-diabetes');
  const training = run.logs.filter((l) => 'loss' in l);

  test('evaluations become epochs; training entries since the last evaluation give its training loss', () => {
    const log = readTrainingLog(`${FIX}/huggingface/overfit-diabetes`);
    assert.equal(log.format, 'Hugging Face trainer_state.json');
    assert.equal(log.epochs.length, run.evaluations.length);
    run.evaluations.forEach((ev, i) => {
      const e = log.epochs[i]!;
      assert.equal(e.epoch, Math.round(ev.epoch));
      assert.equal(e.valLoss, ev['eval_loss']);
      assert.equal(e.valAccuracy, ev['eval_accuracy']);
      const since = training.filter((l) => l.step <= ev.step && (i === 0 || l.step > run.evaluations[i - 1]!.step));
      closeValue(e.trainLoss, since.reduce((s, l) => s + (l['loss'] as number), 0) / since.length, `epoch ${e.epoch} train loss`);
      assert.equal(e.learningRate, since[since.length - 1]!['learning_rate']);
    });
    assert.deepEqual(
      log.steps.map((s) => [s.step, s.epoch, s.loss, s.gradNorm]),
      training.map((l) => [l.step, Math.ceil(l.epoch), l['loss'], l['grad_norm']]),
    );
  });

  test('the overfitting run is flagged, onset at the eval-loss minimum', () => {
    // The numbers: eval_loss is lowest at epoch 3 (0.506) and ends at 1.118 after 40 epochs while
    // the logged training loss falls from 0.68 to 0.05; eval accuracy drifts from 0.74 to 0.72.
    const best = run.evaluations.reduce((a, b) => ((b['eval_loss'] as number) < (a['eval_loss'] as number) ? b : a));
    const last = run.evaluations[run.evaluations.length - 1]!;
    assert.ok((last['eval_loss'] as number) > 2 * (best['eval_loss'] as number) && (training[training.length - 1]!['loss'] as number) < 0.1);
    const report = cliDiagnoseJson(`${FIX}/huggingface/overfit-diabetes/trainer_state.json`);
    const flag = report.flags.find((f) => f.kind === 'overfitting');
    assert.ok(flag);
    assert.equal(flag.evidence['onsetEpoch'], Math.round(best.epoch));
  });
});
