import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLogBytes, readTrainingLog, updatesToLog } from '../../../src/logs/readLog';
import { crc32c, crcAt, maskedCrc32c, TfRecordStream } from '../../../src/logs/tfRecord';
import { TensorBoardParser } from '../../../src/logs/tensorboardParser';
import { metricRole } from '../../../src/logs/metricNames';
import type { TrainingLog } from '../../../src/logs/trainingLog';
import { diagnoseTrainingLog } from '../../../src/sources/logJudge';

import { bitwiseCrc32c, event, header, masked } from './eventWriter';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'losslens-tb-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The Keras overfitting fixture, as Keras's TensorBoard callback would have logged it. */
const kerasCsv = readLogBytes('keras-csv', readFileSync('test/fixtures/logs/keras_overfit.csv', 'utf8'), 'keras_overfit.csv');

/** A run's event files read whole by the incremental reader (files relative to the run's folder). */
function readTensorBoardLog(files: readonly { file: string; bytes: Uint8Array }[], label: string): TrainingLog {
  const parser = new TensorBoardParser({ label });
  for (const f of files) parser.feed(f.file, new Uint8Array(0), true);
  files.forEach((f) => parser.feed(f.file, f.bytes));
  return updatesToLog('TensorBoard event files', label, [parser.take(), parser.finish()]);
}

/** The records a stream frames from whole bytes, and the damage it stepped over. */
function frameAll(bytes: Uint8Array): { offsets: number[]; damage: ReturnType<TfRecordStream['feed']>; pending: number; position: number } {
  const stream = new TfRecordStream();
  const offsets: number[] = [];
  const damage = stream.feed(bytes, { record: (_buf, _start, _end, offset) => offsets.push(offset) });
  return { offsets, damage, pending: stream.pending, position: stream.position };
}
function writeKerasLayout(dir: string): void {
  mkdirSync(path.join(dir, 'train'), { recursive: true });
  mkdirSync(path.join(dir, 'validation'), { recursive: true });
  const train = [header()];
  const val = [header()];
  kerasCsv.epochs.forEach((m, i) => {
    const t = 1.7e9 + 10 * i;
    train.push(event(i, t, [{ tag: 'epoch_loss', f32Content: m.trainLoss }, { tag: 'epoch_accuracy', f32Content: m.trainAccuracy }, { tag: 'epoch_learning_rate', f32Content: m.learningRate }]));
    train.push(event(i, t, [{ tag: 'dense/kernel_0', histogram: true }, { tag: 'epoch_steps_per_second', f32Content: 40 }]));
    val.push(event(i, t + 1, [{ tag: 'epoch_loss', floatVal: m.valLoss }, { tag: 'epoch_accuracy', floatVal: m.valAccuracy }]));
  });
  writeFileSync(path.join(dir, 'train', 'events.out.tfevents.1700000000.host.123.0.v2'), Buffer.concat(train));
  writeFileSync(path.join(dir, 'validation', 'events.out.tfevents.1700000001.host.123.1.v2'), Buffer.concat(val));
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

describe('TFRecord framing', () => {
  test('CRC-32C matches the check value of RFC 3720 / the Castagnoli catalogue', () => {
    const digits = new TextEncoder().encode('123456789');
    assert.equal(crc32c(digits), 0xe3069283);
    assert.equal(bitwiseCrc32c(digits), 0xe3069283);
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    assert.equal(maskedCrc32c(bytes), masked(bytes));
  });

  test('the 8-bytes-a-step CRC of a byte range equals the bit-by-bit CRC-32C, at every length and alignment', () => {
    assert.equal(crcAt(new TextEncoder().encode('x123456789y'), 1, 10), 0xe3069283);
    let seed = 7;
    const bytes = Uint8Array.from({ length: 200 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= 120; end++) assert.equal(crcAt(bytes, start, end), bitwiseCrc32c(bytes.subarray(start, end)), `bytes [${start}, ${end})`);
    }
  });

  test('fed in chunks of any size (a record stitched across chunks), the records, their data and the damage are those of one whole feed', () => {
    const records = [header(), ...Array.from({ length: 40 }, (_, i) => event(i, i + 1, [{ tag: i % 2 ? 'loss' : 'Loss/train', simple: 1 / (i + 1) }]))];
    const whole = Buffer.concat(records);
    // A flipped data byte in record 17 and a flipped length byte in record 30.
    let at = 0;
    const starts = records.map((r) => ((at += r.length), at - r.length));
    whole[starts[17]! + 14]! ^= 0x01;
    whole[starts[30]!]! ^= 0x01;
    const read = (size: number): { offsets: number[]; data: string[]; damage: ReturnType<TfRecordStream['feed']>; pending: number } => {
      const stream = new TfRecordStream();
      const offsets: number[] = [];
      const data: string[] = [];
      const damage: ReturnType<TfRecordStream['feed']> = [];
      for (let i = 0; i < whole.length; i += size) {
        damage.push(
          ...stream.feed(whole.subarray(i, i + size), {
            record: (buf, start, end, offset) => {
              offsets.push(offset);
              data.push(Buffer.from(buf.subarray(start, end)).toString('hex'));
            },
          }),
        );
      }
      return { offsets, data, damage, pending: stream.pending };
    };
    const one = read(whole.length);
    assert.equal(one.offsets.length, records.length - 2);
    assert.deepEqual(one.damage.map((d) => [d.offset, d.what]), [[starts[17], 'data-crc'], [starts[30], 'length-crc']]);
    for (const size of [1, 2, 3, 5, 7, 11, 12, 13, 16, 37, 50, 64, 100, 333]) assert.deepEqual(read(size), one, `chunks of ${size} bytes`);
  });

  test('a flipped byte is skipped with its byte offset, the records after it kept; a cut-short last record waits', () => {
    const records = [header(), event(0, 1, [{ tag: 'loss', simple: 1 }]), event(1, 2, [{ tag: 'loss', simple: 0.5 }]), event(2, 3, [{ tag: 'loss', simple: 0.25 }])];
    const whole = Buffer.concat(records);
    assert.equal(frameAll(whole).offsets.length, 4);
    const second = records[0]!.length;
    const third = second + records[1]!.length;
    // Issue 11/15: a CRC mismatch in the middle is reported with its offset; the good records are kept.
    const dataFlip = Buffer.from(whole);
    dataFlip[second + 14]! ^= 0x01;
    const d = frameAll(dataFlip);
    assert.deepEqual(d.offsets, [0, third, third + records[2]!.length]);
    assert.deepEqual(d.damage, [{ offset: second, skipped: records[1]!.length, what: 'data-crc' }]);
    const lengthFlip = Buffer.from(whole);
    lengthFlip[second]! ^= 0x01;
    const l = frameAll(lengthFlip);
    assert.deepEqual(l.offsets, [0, third, third + records[2]!.length], 'resynchronised at the next record');
    assert.deepEqual(l.damage, [{ offset: second, skipped: records[1]!.length, what: 'length-crc' }]);
    const last = third + records[2]!.length;
    for (const cut of [1, 5, 12, 20, records[3]!.length - 1]) {
      const partial = frameAll(whole.subarray(0, whole.length - cut));
      assert.equal(partial.offsets.length, 3, `cut ${cut}`);
      assert.equal(partial.position, last, 'waits at the partial record');
      assert.equal(partial.pending, records[3]!.length - cut);
      assert.deepEqual(partial.damage, []);
    }
    // Fed a byte at a time, the same records come out.
    const stream = new TfRecordStream();
    const offsets: number[] = [];
    for (let i = 0; i < whole.length; i++) stream.feed(whole.subarray(i, i + 1), { record: (_b, _s, _e, o) => offsets.push(o) });
    assert.deepEqual(offsets, [0, second, third, last]);
  });
});

describe('TensorBoard event files', () => {
  test('tags: what, split and granularity, case-insensitively', () => {
    assert.deepEqual(metricRole('Loss/train'), { metric: 'trainLoss', rank: 2 });
    assert.deepEqual(metricRole('validation/epoch_loss'), { metric: 'valLoss', granularity: 'epoch', rank: 3 });
    assert.equal(metricRole('VAL_LOSS')?.metric, 'valLoss');
    assert.equal(metricRole('Accuracy/Validation')?.metric, 'valAccuracy');
    assert.equal(metricRole('train/batch_loss')?.granularity, 'step');
    assert.equal(metricRole('Loss/train_step')?.granularity, 'step');
    assert.equal(metricRole('train_loss_epoch')?.granularity, 'epoch');
    assert.equal(metricRole('train/epoch_learning_rate')?.metric, 'learningRate');
    assert.equal(metricRole('train/epoch_steps_per_second'), undefined);
  });

  test('Keras train/ + validation/ layout: the same epochs as its CSVLogger, overfitting flagged at the val-loss minimum', () => {
    const dir = path.join(tmp, 'keras-logs');
    writeKerasLayout(dir);
    const log = readTrainingLog(dir);
    assert.equal(log.format, 'TensorBoard event files');
    assert.equal(log.epochs.length, kerasCsv.epochs.length);
    log.epochs.forEach((m, i) => {
      const want = kerasCsv.epochs[i]!;
      assert.equal(m.epoch, want.epoch);
      for (const k of ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy', 'learningRate'] as const) assert.ok(close(m[k], want[k]), `epoch ${m.epoch} ${k}: ${m[k]} vs ${want[k]}`);
      assert.deepEqual(m.unrecorded, ['gradNorm', 'timeMs']);
    });
    assert.equal(log.steps.length, 0);
    // The histogram is not a scalar: skipped; an unknown scalar is kept by name, to be charted.
    const parser = new TensorBoardParser({ label: 'keras-logs' });
    for (const sub of ['train', 'validation']) {
      const name = readdirSync(path.join(dir, sub))[0]!;
      parser.feed(`${sub}/${name}`, readFileSync(path.join(dir, sub, name)));
    }
    const kept = [...parser.take().scalars, ...parser.finish().scalars].filter((s) => s.name === 'train/epoch_steps_per_second');
    assert.deepEqual(kept.flatMap((s) => s.y), kerasCsv.epochs.map(() => 40));
    assert.deepEqual(kept.flatMap((s) => s.x), kerasCsv.epochs.map((e) => e.epoch));
    const flag = diagnoseTrainingLog(log).flags.find((f) => f.kind === 'overfitting');
    assert.ok(flag);
    const minimum = kerasCsv.epochs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    assert.equal(flag.evidence.onsetEpoch, minimum.epoch);
  });

  test('PyTorch SummaryWriter single file: per-step loss becomes steps, epoch scalars at step = epoch from 0', () => {
    const dir = path.join(tmp, 'runs', 'exp1');
    mkdirSync(dir, { recursive: true });
    const parts = [header()];
    const stepsPerEpoch = 4;
    let t = 1.7e9;
    for (let e = 0; e < 3; e++) {
      for (let b = 0; b < stepsPerEpoch; b++) parts.push(event(e * stepsPerEpoch + b, (t += 1), [{ tag: 'Loss/train_step', simple: 1 - 0.1 * e - 0.01 * b }]));
      parts.push(event(e, (t += 1), [{ tag: 'Loss/train', simple: 0.9 - 0.1 * e }, { tag: 'Loss/val', simple: 1 - 0.05 * e }]));
      parts.push(event(e, t, [{ tag: 'Accuracy/val', simple: 0.5 + 0.1 * e }]));
    }
    const file = path.join(dir, 'events.out.tfevents.1700000000.host.42.0');
    writeFileSync(file, Buffer.concat(parts));
    for (const log of [readTrainingLog(dir), readTrainingLog(file)]) {
      assert.equal(log.format, 'TensorBoard event files');
      assert.deepEqual(log.epochs.map((m) => m.epoch), [1, 2, 3]);
      assert.ok(close(log.epochs[2]!.trainLoss, 0.7));
      assert.ok(close(log.epochs[1]!.valLoss, 0.95));
      assert.ok(close(log.epochs[0]!.valAccuracy, 0.5));
      assert.deepEqual(log.epochs[0]!.unrecorded, ['trainAccuracy', 'learningRate', 'gradNorm', 'timeMs']);
      assert.equal(log.steps.length, 12);
      assert.deepEqual(log.steps.map((s) => s.epoch), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
      assert.deepEqual({ ...log.steps[5]!, loss: Math.round(log.steps[5]!.loss * 1e6) / 1e6 }, { step: 6, epoch: 2, loss: 0.89, gradNorm: NaN, gradNormUnknown: true });
    }
    // Still being written: the last record cut short is skipped with a note, the rest is read.
    writeFileSync(file, Buffer.concat(parts).subarray(0, -7));
    const partial = readTrainingLog(file);
    assert.equal(partial.epochs.length, 3);
    assert.ok(Number.isNaN(partial.epochs[2]!.valAccuracy) && partial.epochs[2]!.unrecorded?.includes('valAccuracy'));
    assert.ok(partial.notes.some((n) => n.includes('skipped a partly written last record at byte offset')));
  });

  test('"Loss/train" at every global step next to per-epoch "Loss/val" is read as per-step loss', () => {
    const parts = [header()];
    let t = 1.7e9;
    for (let e = 0; e < 4; e++) {
      for (let b = 0; b < 5; b++) parts.push(event(e * 5 + b, (t += 1), [{ tag: 'Loss/train', simple: 2 - e - 0.1 * b }]));
      parts.push(event(e, (t += 1), [{ tag: 'Loss/val', simple: 1.5 }]));
    }
    const log = readTensorBoardLog([{ file: 'events.out.tfevents.1', bytes: Buffer.concat(parts) }], 'runs/x');
    assert.equal(log.steps.length, 20);
    assert.equal(log.epochs.length, 4);
    assert.ok(close(log.epochs[1]!.trainLoss, 1 - 0.2), 'the mean of the epoch\'s step losses');
    assert.ok(log.notes.some((n) => n.includes('per-step')));
  });

  test('Keras with an integer update_freq: epoch_* steps count from 0 even when epoch 0 was not written; batches get their epoch from the iteration counts', () => {
    // Keras 3 writes summaries only while its batch count is a multiple of update_freq (here 3, with
    // 2 batches an epoch): epochs 3 and 6 (steps 2 and 5), batch_loss at batches 3, 6, 9, 12.
    const train = [header()];
    const val = [header()];
    let t = 1.7e9;
    for (const b of [3, 6, 9, 12]) train.push(event(b, (t += 1), [{ tag: 'batch_loss', f32Content: 1 / b }]));
    for (const [e, iterations] of [
      [2, 6],
      [5, 12],
    ] as const) {
      train.push(event(e, (t += 1), [{ tag: 'epoch_loss', f32Content: 0.5 }]));
      val.push(event(iterations, t, [{ tag: 'evaluation_loss_vs_iterations', f32Content: 0.6 }]));
      val.push(event(e, t, [{ tag: 'epoch_loss', f32Content: 0.6 }]));
    }
    const log = readTensorBoardLog(
      [
        { file: 'train/events.out.tfevents.1', bytes: Buffer.concat(train) },
        { file: 'validation/events.out.tfevents.2', bytes: Buffer.concat(val) },
      ],
      'logs',
    );
    assert.deepEqual(log.epochs.map((m) => m.epoch), [3, 6]);
    assert.deepEqual(log.steps.map((s) => [s.step, s.epoch]), [
      [3, 2],
      [6, 3],
      [9, 5],
      [12, 6],
    ]);
  });

  test('Lightning: scalars at the global step, epochs from its "epoch" scalar; a value without one joins the next', () => {
    // Two epochs of 4 batches, train_loss_step every 2nd (steps 1, 3 and 5, 7), epoch-end values at
    // steps 3 and 7, lr-Adam (LearningRateMonitor) at each epoch's first step with no epoch beside it.
    const parts = [header()];
    let t = 1.7e9;
    for (const e of [0, 1]) {
      parts.push(event(4 * e, (t += 1), [{ tag: 'lr-Adam', simple: 0.01 / (e + 1) }]));
      for (const s of [4 * e + 1, 4 * e + 3]) parts.push(event(s, (t += 1), [{ tag: 'train_loss_step', simple: 1 - s / 10 }, { tag: 'epoch', simple: e }]));
      parts.push(event(4 * e + 3, (t += 1), [{ tag: 'val_loss', simple: 0.9 - e / 10 }, { tag: 'val_acc', simple: 0.5 + e / 10 }, { tag: 'epoch', simple: e }]));
      parts.push(event(4 * e + 3, (t += 1), [{ tag: 'train_loss_epoch', simple: 0.8 - e / 10 }, { tag: 'epoch', simple: e }]));
    }
    const log = readTensorBoardLog([{ file: 'events.out.tfevents.1', bytes: Buffer.concat(parts) }], 'tb/version_0');
    assert.deepEqual(log.epochs.map((m) => m.epoch), [1, 2]);
    assert.ok(close(log.epochs[1]!.trainLoss, 0.7) && close(log.epochs[1]!.valLoss, 0.8) && close(log.epochs[1]!.valAccuracy, 0.6));
    assert.ok(close(log.epochs[0]!.learningRate, 0.01) && close(log.epochs[1]!.learningRate, 0.005));
    assert.deepEqual(log.steps.map((s) => [s.step, s.epoch]), [
      [2, 1],
      [4, 1],
      [6, 2],
      [8, 2],
    ]);
    assert.ok(!log.notes.some((n) => n.includes('epoch')), 'the epoch scalar is used, not reported as unused');
  });

  test('a corrupt record read through readTrainingLog is named with its file and offset, and the rest is read', () => {
    const dir = path.join(tmp, 'corrupt');
    writeKerasLayout(dir);
    const file = path.join(dir, 'validation', 'events.out.tfevents.1700000001.host.123.1.v2');
    const bytes = readFileSync(file);
    const offset = header().length;
    bytes[offset + 20]! ^= 0xff;
    writeFileSync(file, bytes);
    // Issue 15: one flipped byte no longer throws the whole log away.
    const log = readTrainingLog(dir);
    assert.ok(log.notes.some((n) => n.startsWith(`corrupt/validation/events.out.tfevents.1700000001.host.123.1.v2: corrupt record at byte offset ${offset}`)), log.notes.join('\n'));
    assert.equal(log.epochs.length, kerasCsv.epochs.length);
    assert.ok(Number.isNaN(log.epochs[0]!.valLoss) && log.epochs[0]!.unrecorded?.includes('valLoss'), 'the lost record is not recorded, not a blow-up');
    assert.ok(close(log.epochs[1]!.valLoss, kerasCsv.epochs[1]!.valLoss));
  });

  test('a folder with no log in it names TensorBoard among what it looked for', () => {
    const dir = path.join(tmp, 'empty');
    mkdirSync(dir, { recursive: true });
    assert.throws(() => readTrainingLog(dir), /TensorBoard events\.out\.tfevents/);
  });
});
