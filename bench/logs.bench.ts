/**
 * The log readers' bench child (scripts/bench-logs.mjs runs it, one measurement per process):
 *   gen <dir> <steps>        writes the workloads: a PyTorch-style event file (per-step "Loss/train",
 *                            per-epoch "Loss/val" and "Accuracy/val", 1000 steps an epoch), a Keras
 *                            CSVLogger log, a Lightning metrics.csv, a trainer_state.json, a JSONL log
 *   read <path>              reads a log to its end with the incremental reader, keeping nothing:
 *                            prints records, seconds, peak RSS
 *   diagnose <path>          reads it as `loss-lens diagnose` does (every step kept) and runs the detectors
 * Prints one JSON line. Timings come from this process alone (no build, no other work in it).
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { Writer } from 'protobufjs/minimal';
import { buf as crc32c } from 'crc-32/crc32c';
import { findLogRunsSync, openLogReader } from '../src/logs/logFiles';
import { readTrainingLog } from '../src/logs/readLog';
import { diagnoseTrainingLog } from '../src/sources/logJudge';

const STEPS_PER_EPOCH = 1000;
const mask = (c: number): number => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** One TFRecord framing an Event { wall_time = 1, step = 2, summary = 5 { value = 1 { tag = 1, simple_value = 2 } } }. */
function record(step: number, wall: number, tag: string, value: number): Buffer {
  const v = Writer.create().uint32((1 << 3) | 2).string(tag).uint32((2 << 3) | 5).float(value).finish();
  const summary = Writer.create().uint32((1 << 3) | 2).bytes(v).finish();
  const data = Writer.create().uint32((1 << 3) | 1).double(wall).uint32((2 << 3) | 0).int64(step).uint32((5 << 3) | 2).bytes(summary).finish();
  const out = Buffer.alloc(16 + data.length);
  out.writeUInt32LE(data.length, 0);
  out.writeUInt32LE(0, 4);
  out.writeUInt32LE(mask(crc32c(out.subarray(0, 8)) >>> 0), 8);
  out.set(data, 12);
  out.writeUInt32LE(mask(crc32c(data) >>> 0), 12 + data.length);
  return out;
}

async function write(file: string, chunks: () => Generator<string | Buffer>): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  for (const c of chunks()) if (!out.write(c)) await new Promise((r) => out.once('drain', r));
  await new Promise((r) => out.end(r));
}

async function gen(dir: string, steps: number): Promise<void> {
  const epochs = Math.max(1, Math.floor(steps / STEPS_PER_EPOCH));
  const loss = (s: number): number => 2 / Math.sqrt(1 + s / 50) + 0.01 * Math.sin(s);
  await write(path.join(dir, 'tensorboard', 'events.out.tfevents.1700000000.bench.1.0'), function* () {
    let wall = 1.7e9;
    const header = Writer.create().uint32((1 << 3) | 1).double(wall).uint32((3 << 3) | 2).string('brain.Event:2').finish();
    const h = Buffer.alloc(16 + header.length);
    h.writeUInt32LE(header.length, 0);
    h.writeUInt32LE(mask(crc32c(h.subarray(0, 8)) >>> 0), 8);
    h.set(header, 12);
    h.writeUInt32LE(mask(crc32c(header) >>> 0), 12 + header.length);
    yield h;
    for (let e = 0; e < epochs; e++) {
      const batch: Buffer[] = [];
      for (let b = 0; b < STEPS_PER_EPOCH; b++) batch.push(record(e * STEPS_PER_EPOCH + b, (wall += 0.01), 'Loss/train', loss(e * STEPS_PER_EPOCH + b)));
      batch.push(record(e, (wall += 0.01), 'Loss/val', 1.1 * loss((e + 1) * STEPS_PER_EPOCH)), record(e, (wall += 0.01), 'Accuracy/val', 0.5 + 0.4 * (e / epochs)));
      yield Buffer.concat(batch);
    }
  });
  // Keras CSVLogger: one row per epoch (as many rows as the others have steps, to time the parser).
  await write(path.join(dir, 'keras', 'training.log'), function* () {
    yield 'epoch,accuracy,learning_rate,loss,val_accuracy,val_loss\n';
    for (let e = 0; e < steps; e += 1000) {
      let rows = '';
      for (let i = e; i < Math.min(steps, e + 1000); i++) rows += `${i},${(0.5 + 0.4 * (i / steps)).toFixed(6)},0.001,${loss(i)},${(0.5 + 0.3 * (i / steps)).toFixed(6)},${1.1 * loss(i)}\n`;
      yield rows;
    }
  });
  // Lightning metrics.csv: a row per logged step, an epoch-end row per epoch.
  await write(path.join(dir, 'lightning', 'version_0', 'metrics.csv'), function* () {
    yield 'epoch,step,train_loss_epoch,train_loss_step,val_acc,val_loss\n';
    for (let e = 0; e < epochs; e++) {
      let rows = '';
      for (let b = 0; b < STEPS_PER_EPOCH; b++) rows += `${e},${e * STEPS_PER_EPOCH + b},,${loss(e * STEPS_PER_EPOCH + b)},,\n`;
      rows += `${e},${(e + 1) * STEPS_PER_EPOCH - 1},,,${0.5 + 0.4 * (e / epochs)},${1.1 * loss((e + 1) * STEPS_PER_EPOCH)}\n`;
      rows += `${e},${(e + 1) * STEPS_PER_EPOCH - 1},${loss((e + 1) * STEPS_PER_EPOCH)},,,\n`;
      yield rows;
    }
  });
  // Hugging Face trainer_state.json: a log_history entry per step, an evaluation per epoch.
  const history: unknown[] = [];
  for (let s = 1; s <= steps; s++) {
    history.push({ epoch: s / STEPS_PER_EPOCH, grad_norm: 1 + Math.cos(s), learning_rate: 1e-3, loss: loss(s), step: s });
    if (s % STEPS_PER_EPOCH === 0) history.push({ epoch: s / STEPS_PER_EPOCH, eval_loss: 1.1 * loss(s), eval_accuracy: 0.7, step: s });
  }
  mkdirSync(path.join(dir, 'huggingface'), { recursive: true });
  writeFileSync(path.join(dir, 'huggingface', 'trainer_state.json'), JSON.stringify({ global_step: steps, log_history: history }, null, 2));
  await write(path.join(dir, 'jsonl', 'log.jsonl'), function* () {
    for (let s = 0; s < steps; s += 1000) {
      let rows = '';
      for (let i = s; i < Math.min(steps, s + 1000); i++) rows += `${JSON.stringify({ step: i, epoch: Math.floor(i / STEPS_PER_EPOCH), loss: loss(i) })}\n`;
      yield rows;
    }
  });
  console.log(JSON.stringify({ ok: true, epochs, steps }));
}

async function read(target: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const { root, runs } = findLogRunsSync(target);
  const reader = openLogReader(root, runs[0]!);
  let steps = 0;
  let epochs = 0;
  let records = 0;
  // Poll until the log is read to its end, as a follower catching up with a big log does.
  for (let u = await reader.poll(), last = false; ; u = last ? u : u.more ? await reader.poll() : ((last = true), reader.finish())) {
    steps += u.steps.length;
    epochs += u.epochs.length;
    records += u.records;
    if (last) break;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ format: reader.format, records, steps, epochs, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
}

function diagnose(target: string): void {
  const t0 = process.hrtime.bigint();
  const log = readTrainingLog(target);
  const t1 = process.hrtime.bigint();
  const report = diagnoseTrainingLog(log);
  const t2 = process.hrtime.bigint();
  console.log(JSON.stringify({ steps: log.steps.length, epochs: log.epochs.length, flags: report.flags.length, readSeconds: Number(t1 - t0) / 1e9, diagnoseSeconds: Number(t2 - t1) / 1e9, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
}

const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'gen') void gen(a!, Number(b ?? 1_000_000));
else if (cmd === 'read') void read(a!);
else if (cmd === 'diagnose') diagnose(a!);
else {
  console.error(`unknown bench command ${cmd ?? ''}`);
  process.exit(2);
}
