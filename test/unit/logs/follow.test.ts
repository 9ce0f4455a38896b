/**
 * Following logs while another process writes them. A writer child process appends (or rewrites)
 * the files, step by step as the test tells it on stdin, or freely on its own clock; the reader
 * follows with openLogReader().poll(). The bytes are the real libraries' (test/fixtures/logs-real/,
 * each run's `growth`: its files after each flush), cut at the sizes they had, and mid-record.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { findLogRuns, openLogReader, type LogReader } from '../../../src/logs/logFiles';
import { readTrainingLog, updatesToLog } from '../../../src/logs/readLog';
import type { LogUpdate } from '../../../src/logs/logUpdate';
import type { LogStep } from '../../../src/logs/trainingLog';
import type { EpochMetrics } from '../../../src/model';
import { event, header } from './eventWriter';

const FIX = 'test/fixtures/logs-real';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'losslens-follow-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const expected = <T = Json>(run: string): T => JSON.parse(readFileSync(`${FIX}/${run}/expected.json`, 'utf8').replace(/\bNaN\b/g, 'null')) as T;
const f32 = Math.fround;

/**
 * The writer: a separate node process. Each stdin line is one action (JSON); it answers "ok" once
 * the bytes are written. `free` actions run on its own: appends with pauses, then it exits.
 */
const WRITER = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const rl = require('node:readline').createInterface({ input: process.stdin });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
rl.on('line', async (line) => {
  const a = JSON.parse(line);
  if (a.op === 'exit') process.exit(0);
  if (a.op === 'free') {
    for (const chunk of a.chunks) {
      fs.appendFileSync(a.path, Buffer.from(chunk, 'base64'));
      await sleep(a.pauseMs);
    }
    process.exit(0);
  }
  fs.mkdirSync(path.dirname(a.path), { recursive: true });
  if (a.op === 'append') fs.appendFileSync(a.path, Buffer.from(a.b64, 'base64'));
  else if (a.op === 'write') fs.writeFileSync(a.path, Buffer.from(a.b64, 'base64'));
  process.stdout.write('ok\n');
});
`;

class Writer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly acks: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor() {
    this.child = spawn(process.execPath, ['-e', WRITER], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', () => this.acks.shift()?.());
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  private send(action: Json): Promise<void> {
    return new Promise((resolve) => {
      this.acks.push(resolve);
      this.child.stdin.write(`${JSON.stringify(action)}\n`);
    });
  }

  append(file: string, bytes: Uint8Array): Promise<void> {
    return this.send({ op: 'append', path: file, b64: Buffer.from(bytes).toString('base64') });
  }

  write(file: string, bytes: Uint8Array | string): Promise<void> {
    return this.send({ op: 'write', path: file, b64: Buffer.from(bytes).toString('base64') });
  }

  /** Appends the chunks on its own clock, then exits. */
  free(file: string, chunks: readonly Uint8Array[], pauseMs: number): void {
    this.child.stdin.write(`${JSON.stringify({ op: 'free', path: file, chunks: chunks.map((c) => Buffer.from(c).toString('base64')), pauseMs })}\n`);
  }

  async close(): Promise<void> {
    this.child.stdin.write('{"op":"exit"}\n');
    await this.exited;
  }
}

/** Keeps what a follower has read: epochs by number (revisions replace), steps, scalars, notes. */
class Reading {
  readonly updates: LogUpdate[] = [];
  readonly epochs = new Map<number, EpochMetrics>();

  add(u: LogUpdate): LogUpdate {
    this.updates.push(u);
    for (const e of [...u.epochs, ...u.revised]) this.epochs.set(e.epoch, e);
    return u;
  }

  get steps(): LogStep[] {
    return this.updates.flatMap((u) => [...u.steps]);
  }

  get notes(): string[] {
    return this.updates.flatMap((u) => u.notes);
  }

  scalar(name: string): number[] {
    return this.updates.flatMap((u) => u.scalars.filter((s) => s.name === name).flatMap((s) => [...s.y]));
  }

  sorted(): EpochMetrics[] {
    return [...this.epochs.values()].sort((a, b) => a.epoch - b.epoch);
  }
}

async function follow(dir: string, name?: string): Promise<LogReader> {
  const { root, runs } = await findLogRuns(dir);
  const run = name ? runs.find((r) => r.name === name) : runs[0];
  assert.ok(run, `no run ${name ?? ''} in ${dir}: ${runs.map((r) => r.name).join()}`);
  return openLogReader(root, run);
}

describe('following a log while a writer process appends to it', () => {
  test('PyTorch SummaryWriter, flushed each epoch: cut mid-record it waits; each flush adds the epochs and steps it holds', async () => {
    interface Run {
      epochs: { epoch: number; valLoss: number; valAccuracy: number }[];
      steps: { step: number; loss: number }[];
      growth: { files: Record<string, number>; epochs: number; steps: number }[];
    }
    const run = expected<Run>('pytorch/growing-wine');
    const src = path.join(FIX, 'pytorch/growing-wine');
    const name = readdirSync(src).find((n) => n.startsWith('events.'))!;
    const bytes = readFileSync(path.join(src, name));
    const dir = path.join(tmp, 'growing-wine');
    const file = path.join(dir, name);
    const writer = new Writer();
    await writer.write(file, bytes.subarray(0, 0));
    const reader = await follow(dir);
    const reading = new Reading();
    let at = 0;
    for (const g of run.growth) {
      const size = g.files[name]!;
      // First the flush cut 5 bytes short: the last record is partial.
      await writer.append(file, bytes.subarray(at, size - 5));
      assert.equal(reading.add(await reader.poll()).waiting, true, `${size - 5} bytes: waiting for the rest of a record`);
      await writer.append(file, bytes.subarray(size - 5, size));
      const u = reading.add(await reader.poll());
      assert.equal(u.waiting, false);
      at = size;
      // Never a wrong value; at most the newest epoch still open.
      const epochs = reading.sorted();
      assert.ok(epochs.length >= g.epochs - 1 && epochs.length <= g.epochs, `after ${g.epochs} epochs flushed: ${epochs.length} read`);
      epochs.forEach((e, i) => {
        assert.equal(e.epoch, i + 1);
        assert.equal(e.valLoss, f32(run.epochs[i]!.valLoss));
        assert.equal(e.valAccuracy, f32(run.epochs[i]!.valAccuracy));
      });
      assert.deepEqual(
        reading.steps.map((s) => s.loss),
        run.steps.slice(0, reading.steps.length).map((s) => f32(s.loss)),
      );
      assert.ok(reading.steps.length >= g.steps - 8, `steps of the last flushed epoch: ${reading.steps.length} of ${g.steps}`);
    }
    reading.add(reader.finish());
    await writer.close();
    assert.equal(reading.sorted().length, 8);
    assert.equal(reading.steps.length, run.steps.length);
    assert.deepEqual(reading.notes.filter((n) => !n.includes('per-step')), []);
    assert.equal(reader.recordsRead > 0, true);
  });

  test('Lightning val_check_interval: metrics.csv rewritten with a wider header is reread keeping its rows; the event file appended to', async () => {
    interface Run {
      validations: { valLoss: number }[];
      epochs: { epoch: number; valLoss: number }[];
      growth: { files: Record<string, number>; csvText: string }[];
    }
    const run = expected<Run>('lightning/val-check-wine');
    const src = path.join(FIX, 'lightning/val-check-wine/tb');
    const name = readdirSync(src).find((n) => n.startsWith('events.'))!;
    const tb = readFileSync(path.join(src, name));
    const dir = path.join(tmp, 'val-check-wine');
    const writer = new Writer();
    await writer.write(path.join(dir, 'csv', 'metrics.csv'), 'epoch,step,train/acc_step,train_loss\n');
    await writer.write(path.join(dir, 'tb', name), tb.subarray(0, 0));
    const csv = await follow(dir, 'csv');
    const events = await follow(dir, 'tb');
    const [fromCsv, fromTb] = [new Reading(), new Reading()];
    let at = 0;
    for (const g of run.growth) {
      await writer.write(path.join(dir, 'csv', 'metrics.csv'), g.csvText);
      await writer.append(path.join(dir, 'tb', name), tb.subarray(at, g.files[`tb/${name}`]));
      at = g.files[`tb/${name}`]!;
      fromCsv.add(await csv.poll());
      fromTb.add(await events.poll());
      // Every validation read so far is the library's, in order (each one, not just the last of its epoch).
      assert.deepEqual(fromCsv.scalar('val/loss'), run.validations.slice(0, fromCsv.scalar('val/loss').length).map((v) => v.valLoss));
      assert.deepEqual(fromTb.scalar('val/loss'), run.validations.slice(0, fromTb.scalar('val/loss').length).map((v) => f32(v.valLoss)));
    }
    // Lightning's last writes, after the last validation: the files as the run left them.
    await writer.write(path.join(dir, 'csv', 'metrics.csv'), readFileSync(`${FIX}/lightning/val-check-wine/csv/metrics.csv`));
    await writer.append(path.join(dir, 'tb', name), tb.subarray(at));
    fromCsv.add(await csv.poll());
    fromTb.add(await events.poll());
    fromCsv.add(csv.finish());
    fromTb.add(events.finish());
    await writer.close();
    assert.equal(fromCsv.scalar('val/loss').length, run.validations.length);
    assert.equal(fromTb.scalar('val/loss').length, run.validations.length);
    for (const [reading, map] of [
      [fromCsv, (v: number) => v],
      [fromTb, f32],
    ] as const) {
      assert.deepEqual(
        reading.sorted().map((e) => [e.epoch, e.valLoss]),
        run.epochs.map((e) => [e.epoch, map(e.valLoss)]),
      );
    }
    // The rewrite kept the rows already read: the followed CSV reads as the finished file does.
    const whole = readTrainingLog(`${FIX}/lightning/val-check-wine/csv`);
    assert.deepEqual(fromCsv.sorted(), whole.epochs);
    assert.deepEqual(fromCsv.steps, whole.steps);
  });

  test('Hugging Face Trainer: the output folder appears mid-watch, each new checkpoint is read on from the last', async () => {
    interface Run {
      evaluations: { step: number; eval_loss: number }[];
      growth: { checkpoints: string[]; files: Record<string, number> }[];
    }
    const run = expected<Run>('huggingface/steps-tensorboard-diabetes');
    const src = path.join(FIX, 'huggingface/steps-tensorboard-diabetes');
    const name = readdirSync(path.join(src, 'tb')).find((n) => n.startsWith('events.'))!;
    const tb = readFileSync(path.join(src, 'tb', name));
    const dir = path.join(tmp, 'hf-steps');
    const writer = new Writer();
    await writer.write(path.join(dir, 'tb', name), tb.subarray(0, 0));
    const readers = new Map<string, LogReader>();
    const readings = new Map<string, Reading>();
    const pollAll = async (): Promise<void> => {
      // Runs that appeared since the last look are picked up.
      const { root, runs } = await findLogRuns(dir);
      for (const r of runs.filter((x) => !readers.has(x.name))) {
        readers.set(r.name, openLogReader(root, r));
        readings.set(r.name, new Reading());
      }
      for (const [n, r] of readers) readings.get(n)!.add(await r.poll());
    };
    await pollAll();
    assert.deepEqual([...readers.keys()], ['tb'], 'no checkpoint yet: no output folder');
    let at = 0;
    const copied = new Set<string>();
    for (const g of run.growth) {
      for (const c of g.checkpoints.filter((c) => !copied.has(c))) {
        copied.add(c);
        await writer.write(path.join(dir, 'output', c, 'trainer_state.json'), readFileSync(path.join(src, 'output', c, 'trainer_state.json')));
      }
      await writer.append(path.join(dir, 'tb', name), tb.subarray(at, g.files[`tb/${name}`]));
      at = g.files[`tb/${name}`]!;
      await pollAll();
      assert.deepEqual([...readers.keys()].sort(), ['output', 'tb']);
      const evals = readings.get('output')!.scalar('eval_loss');
      assert.deepEqual(evals, run.evaluations.slice(0, evals.length).map((e) => e.eval_loss), 'each evaluation read once, in order');
    }
    for (const [n, r] of readers) readings.get(n)!.add(r.finish());
    await writer.close();
    const whole = readTrainingLog(path.join(src, 'output'));
    assert.deepEqual(readings.get('output')!.sorted(), whole.epochs);
    assert.deepEqual(readings.get('output')!.steps, whole.steps);
    assert.equal(readings.get('output')!.scalar('eval_loss').length, run.evaluations.length);
    assert.deepEqual(readings.get('tb')!.sorted(), readTrainingLog(path.join(src, 'tb')).epochs);
  });

  test('a resumed run (a second event file), a restarted step, a corrupt record in the middle', async () => {
    const dir = path.join(tmp, 'synthetic');
    const first = path.join(dir, 'events.out.tfevents.1700000000.host.1.0');
    const second = path.join(dir, 'events.out.tfevents.1700000500.host.2.0');
    let t = 1.7e9;
    const epochEvents = (e: number, valLoss: number): Buffer =>
      Buffer.concat([
        ...[0, 1, 2, 3].map((b) => event(4 * e + b, (t += 1), [{ tag: 'Loss/train', simple: 1 / (4 * e + b + 1) }])),
        event(e, (t += 1), [{ tag: 'Loss/val', simple: valLoss }]),
      ]);
    const writer = new Writer();
    await writer.write(first, Buffer.concat([header(), epochEvents(0, 0.9), epochEvents(1, 0.8)]));
    const reader = await follow(dir);
    const reading = new Reading();
    reading.add(await reader.poll());
    // A corrupt record (one flipped byte in epoch 3's validation loss) amid good ones: skipped with its offset, the rest read.
    const val = event(2, (t += 1), [{ tag: 'Loss/val', simple: 0.7 }]);
    const before = epochEvents(2, 0).subarray(0, -val.length);
    const corrupt = Buffer.concat([before, val]);
    const offset = readFileSync(first).length + before.length;
    corrupt[corrupt.length - 6]! ^= 0x40;
    await writer.append(first, Buffer.concat([corrupt, epochEvents(3, 0.6)]));
    const u = reading.add(await reader.poll());
    assert.ok(u.notes.some((n) => n.includes(`corrupt record at byte offset ${offset}`)), u.notes.join('\n'));
    // The run resumed: a new event file, its steps going on.
    await writer.write(second, Buffer.concat([header(), epochEvents(4, 0.55), epochEvents(5, 0.5)]));
    const resumed = reading.add(await reader.poll());
    assert.deepEqual(resumed.segments, [], 'a resumed run continues the same segment');
    // Then the same log_dir reused: steps and epochs back to 0.
    await writer.append(second, Buffer.concat([epochEvents(0, 2.0), epochEvents(1, 1.9)]));
    const restarted = reading.add(await reader.poll());
    reading.add(reader.finish());
    await writer.close();
    const segments = reading.updates.flatMap((x) => x.segments);
    assert.deepEqual(
      segments.map((s) => [s.firstEpoch, s.loggedStep]),
      [[7, 0]],
    );
    assert.ok([...restarted.notes, ...reading.notes].some((n) => /went back from step \d+ to 0: read as segment 2/.test(n)));
    assert.deepEqual(
      reading.sorted().map((e) => [e.epoch, e.valLoss]),
      [
        [1, f32(0.9)],
        [2, f32(0.8)],
        [3, NaN],
        [4, f32(0.6)],
        [5, f32(0.55)],
        [6, f32(0.5)],
        [7, f32(2.0)],
        [8, f32(1.9)],
      ],
    );
    assert.ok(reading.sorted()[2]!.unrecorded?.includes('valLoss'), 'the corrupt record\'s value is unrecorded, not a blow-up');
    // Steps are numbered on across the restart, never merged.
    const steps = reading.steps.map((s) => s.step);
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b));
    assert.equal(new Set(steps).size, steps.length);
  });

  test('a CSV line cut mid-number is not read until its newline comes', async () => {
    const file = path.join(tmp, 'keras', 'training.log');
    const writer = new Writer();
    await writer.write(file, 'epoch,loss,val_loss\n0,0.9,1.0\n1,0.8,0.9');
    const reader = await follow(path.dirname(file));
    const reading = new Reading();
    const u = reading.add(await reader.poll());
    assert.equal(u.waiting, true);
    assert.deepEqual(
      reading.sorted().map((e) => [e.epoch, e.valLoss]),
      [[1, 1.0]],
    );
    await writer.append(file, new TextEncoder().encode('5\n'));
    reading.add(await reader.poll());
    reading.add(reader.finish());
    await writer.close();
    assert.deepEqual(
      reading.sorted().map((e) => [e.epoch, e.valLoss]),
      [
        [1, 1.0],
        [2, 0.95],
      ],
    );
    // A log without a learning rate: unrecorded, never NaN read as a value.
    assert.ok(reading.sorted().every((e) => e.unrecorded?.includes('learningRate')));
  });

  test('a writer on its own clock: polled while it appends, the reading is the whole file\'s', async () => {
    const src = path.join(FIX, 'pytorch/growing-wine');
    const name = readdirSync(src).find((n) => n.startsWith('events.'))!;
    const bytes = readFileSync(path.join(src, name));
    const dir = path.join(tmp, 'free');
    const file = path.join(dir, name);
    const writer = new Writer();
    await writer.write(file, bytes.subarray(0, 0));
    const reader = await follow(dir);
    const reading = new Reading();
    // 37-byte chunks: most appends end inside a record.
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 37) chunks.push(bytes.subarray(i, i + 37));
    writer.free(file, chunks, 1);
    let done = false;
    void writer.exited.then(() => (done = true));
    let polls = 0;
    while (!done) {
      reading.add(await reader.poll());
      polls++;
      await new Promise((r) => setTimeout(r, 3));
    }
    reading.add(await reader.poll());
    reading.add(reader.finish());
    assert.ok(polls > 3, `polled ${polls} times while the writer wrote`);
    const whole = readTrainingLog(path.join(src, name));
    assert.deepEqual(reading.sorted(), whole.epochs);
    assert.deepEqual(reading.steps, whole.steps);
    assert.deepEqual(updatesToLog('x', 'x', reading.updates).epochs, whole.epochs);
  });
});

describe('a backlog read a budget at a time', () => {
  // Two writers into one folder, or a run resumed into a second file: the merge in wall-time order
  // can hand a point on only once every file has been read up to it, so the reader reads next the
  // file the merge waits on. Reading one file whole first would hold all of its points back
  // (docs/logs.md, "Size and speed").
  for (const layout of ['side by side', 'one after the other'] as const) {
    test(`two event files of one run written ${layout}, read 1 KiB per poll: points flow from the first polls on, and match one whole read`, async () => {
      const dir = path.join(tmp, `two-files-${layout.replace(/ /g, '-')}`);
      mkdirSync(dir, { recursive: true });
      const files: Buffer[][] = [[header()], [header()]];
      let t = 1.7e9;
      for (let e = 0; e < 80; e++) {
        const into = layout === 'side by side' ? files[0]! : files[e < 40 ? 0 : 1]!;
        const other = layout === 'side by side' ? files[1]! : into;
        for (let s = 4 * e; s < 4 * e + 4; s++) {
          into.push(event(s, (t += 1), [{ tag: 'Loss/train', simple: 1 / (s + 1) }]));
          other.push(event(s, (t += 1), [{ tag: 'Accuracy/train', simple: s / 320 }]));
        }
        into.push(event(e, (t += 1), [{ tag: 'Loss/val', simple: 1 / (e + 2) }]));
      }
      writeFileSync(path.join(dir, 'events.out.tfevents.1700000000.host.1.0'), Buffer.concat(files[0]!));
      writeFileSync(path.join(dir, 'events.out.tfevents.1700000001.host.2.0'), Buffer.concat(files[1]!));
      const { root, runs } = await findLogRuns(dir);
      const reader = openLogReader(root, runs[0]!, { chunkBytes: 1024, pollBytes: 1024 });
      const reading = new Reading();
      const handedOn: number[] = [];
      for (let u = await reader.poll(); ; u = await reader.poll()) {
        reading.add(u);
        handedOn.push(u.epochs.length + u.steps.length);
        if (!u.more) break;
        assert.ok(handedOn.length < 200, 'the backlog ends');
      }
      reading.add(reader.finish());
      assert.ok(handedOn.length >= 20, `${handedOn.length} polls`);
      const firstHalf = handedOn.slice(0, handedOn.length >> 1);
      const dry = firstHalf.filter((n) => n === 0).length;
      assert.ok(dry <= firstHalf.length / 2, `polls of the first half that handed nothing on: ${dry} of ${firstHalf.length} (${handedOn.join(' ')})`);
      const whole = readTrainingLog(dir);
      assert.deepEqual(reading.steps, whole.steps);
      assert.deepEqual(reading.sorted(), whole.epochs);
      assert.equal(whole.epochs.length, 80);
    });
  }
});
