/**
 * The log readers' bench child (scripts/bench-logs.mjs runs it, one measurement per process):
 *   gen <dir> <steps>        writes the workloads: a PyTorch-style event file (per-step "Loss/train",
 *                            per-epoch "Loss/val" and "Accuracy/val", 1000 steps an epoch), the same
 *                            records as a logdir of ten runs and as a resumed run (two event
 *                            files in one folder), a Keras
 *                            CSVLogger log, a Lightning metrics.csv, a trainer_state.json, a JSONL log
 *   read <path>              reads a log (every run under a folder, one after the other) to its end
 *                            with the incremental reader, keeping nothing: prints records, seconds, peak RSS
 *   diagnose <path>          reads it as `loss-lens diagnose` does (every step kept) and runs the detectors
 * Prints one JSON line. Timings come from this process alone (no build, no other work in it).
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { eventFileHeader, scalarRecord as record } from './eventRecords';
import { findLogRunsSync, openLogReader } from '../src/logs/logFiles';
import { readTrainingLog } from '../src/logs/readLog';
import { diagnoseTrainingLog } from '../src/sources/logJudge';

const STEPS_PER_EPOCH = 1000;

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
    yield eventFileHeader(wall);
    for (let e = 0; e < epochs; e++) {
      const batch: Buffer[] = [];
      for (let b = 0; b < STEPS_PER_EPOCH; b++) batch.push(record(e * STEPS_PER_EPOCH + b, (wall += 0.01), 'Loss/train', loss(e * STEPS_PER_EPOCH + b)));
      batch.push(record(e, (wall += 0.01), 'Loss/val', 1.1 * loss((e + 1) * STEPS_PER_EPOCH)), record(e, (wall += 0.01), 'Accuracy/val', 0.5 + 0.4 * (e / epochs)));
      yield Buffer.concat(batch);
    }
  });
  // A logdir of ten runs (TensorBoard's layout: a folder with event files is a run), the same
  // million records in all: what a sweep leaves, and where a reader's start-up cost is paid once.
  const RUNS = 10;
  for (let r = 0; r < RUNS; r++) {
    await write(path.join(dir, 'logdir', `run-${String(r).padStart(2, '0')}`, `events.out.tfevents.1700000000.bench.${r}.0`), function* () {
      let wall = 1.7e9;
      yield eventFileHeader(wall);
      for (let e = 0; e < epochs / RUNS; e++) {
        const batch: Buffer[] = [];
        for (let b = 0; b < STEPS_PER_EPOCH; b++) batch.push(record(e * STEPS_PER_EPOCH + b, (wall += 0.01), 'Loss/train', loss(e * STEPS_PER_EPOCH + b) * (1 + r / 100)));
        batch.push(record(e, (wall += 0.01), 'Loss/val', 1.1 * loss((e + 1) * STEPS_PER_EPOCH)), record(e, (wall += 0.01), 'Accuracy/val', 0.5 + 0.4 * (e / epochs)));
        yield Buffer.concat(batch);
      }
    });
  }
  // A resumed run: the same records, the second half in a second event file in the same folder, as
  // a run resumed from a checkpoint writes it. Its reader merges the files' events in wall-time
  // order, so memory stays bounded only if the files are read in turns (docs/logs.md).
  for (const [part, from, to] of [[1, 0, Math.floor(epochs / 2)], [2, Math.floor(epochs / 2), epochs]] as const) {
    await write(path.join(dir, 'resumed', `events.out.tfevents.${1700000000 + part}.bench.${part}.0`), function* () {
      let wall = 1.7e9 + from * (STEPS_PER_EPOCH + 2) * 0.01;
      yield eventFileHeader(wall);
      for (let e = from; e < to; e++) {
        const batch: Buffer[] = [];
        for (let b = 0; b < STEPS_PER_EPOCH; b++) batch.push(record(e * STEPS_PER_EPOCH + b, (wall += 0.01), 'Loss/train', loss(e * STEPS_PER_EPOCH + b)));
        batch.push(record(e, (wall += 0.01), 'Loss/val', 1.1 * loss((e + 1) * STEPS_PER_EPOCH)), record(e, (wall += 0.01), 'Accuracy/val', 0.5 + 0.4 * (e / epochs)));
        yield Buffer.concat(batch);
      }
    });
  }
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

/** Reads every run under `target` to its end, one after the other, the way a follower catches up with each. */
async function read(target: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const { root, runs } = findLogRunsSync(target);
  let steps = 0;
  let epochs = 0;
  let records = 0;
  let format = '';
  for (const run of runs) {
    const reader = openLogReader(root, run);
    format = reader.format;
    // Poll until the log is read to its end, as a follower catching up with a big log does.
    for (let u = await reader.poll(), last = false; ; u = last ? u : u.more ? await reader.poll() : ((last = true), reader.finish())) {
      steps += u.steps.length;
      epochs += u.epochs.length;
      records += u.records;
      if (last) break;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ format, runs: runs.length, records, steps, epochs, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
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
