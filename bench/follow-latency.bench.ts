/**
 * Follow latency, the bench child scripts/bench-logs.mjs runs: from the moment a writer process
 * appends an epoch's records to a TensorBoard event file to the moment the readout (the RunStore
 * the status bar and the Runs view draw from) holds that epoch's validation loss, and to the moment
 * a flag raised on it is in the store. The follower is the editor's own FollowController, free of
 * `vscode`. The writer (this file's `write` mode, in its own process) writes as PyTorch's
 * SummaryWriter does with flush() after each epoch: 50 "Loss/train" steps, then "Loss/val" and
 * "Accuracy/val", in one append; the validation loss turns up after epoch 15 (overfitting).
 * Beside it, when a Python with tensorboard is given, TensorBoard's EventAccumulator follows the
 * same file, reloaded every 5 s as TensorBoard's server does by default (--reload_interval 5).
 *
 *   latency <work dir> <pause ms> <epochs> [python]    prints one JSON line
 *   write <event file> <pause ms> <epochs>              the writer: prints "appended <epoch> <ms>"
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { FollowController } from '../src/store/followController';
import { RunStore } from '../src/store/runStore';
import { eventFileHeader, scalarRecord } from './eventRecords';

const STEPS_PER_EPOCH = 50;
const now = (): number => performance.timeOrigin + performance.now();

/** TensorBoard's loader following the validation run's epoch_loss, reloaded at its server's default interval. */
const PEER = `
import sys, time
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
ea = EventAccumulator(sys.argv[1], size_guidance={"tensors": 0, "scalars": 0})
seen = 0
while True:
    ea.Reload()
    tags = ea.Tags()
    n = len(ea.Scalars("Loss/val")) if "Loss/val" in tags["scalars"] else 0
    if n > seen:
        seen = n
        print("seen", n, "%.3f" % (time.time() * 1000), flush=True)
    time.sleep(float(sys.argv[2]))
`;

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  createInterface({ input: stream }).on('line', onLine);
}

/** The trainer stand-in: one epoch's records per append, then a pause. */
async function write(file: string, pauseMs: number, epochs: number): Promise<void> {
  let wall = Date.now() / 1000;
  writeFileSync(file, eventFileHeader(wall));
  process.stdout.write('appended -1 0\n');
  await new Promise((r) => setTimeout(r, 1000));
  for (let e = 0; e < epochs; e++) {
    const train = (s: number): number => 2 / Math.sqrt(1 + s / 50);
    const records: Buffer[] = [];
    for (let b = 0; b < STEPS_PER_EPOCH; b++) records.push(scalarRecord(e * STEPS_PER_EPOCH + b, (wall = Date.now() / 1000), 'Loss/train', train(e * STEPS_PER_EPOCH + b)));
    const val = 1.2 * train((e + 1) * STEPS_PER_EPOCH) + (e > 15 ? 0.02 * (e - 15) : 0) + 0.003 * Math.sin(7 * e);
    records.push(scalarRecord(e, wall, 'Loss/val', val), scalarRecord(e, wall, 'Accuracy/val', 0.6 + 0.3 * Math.min(1, e / 15)));
    appendFileSync(file, Buffer.concat(records));
    process.stdout.write(`appended ${e} ${now().toFixed(3)}\n`);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

async function latency(work: string, pauseMs: number, epochs: number, python?: string): Promise<void> {
  const dest = path.join(work, 'follow-latency', 'run');
  rmSync(path.dirname(dest), { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const file = path.join(dest, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.bench.1.0`);

  const store = new RunStore();
  const follows = new FollowController(store);
  /** When the readout first held n epochs with a validation loss (index n - 1), and when each flag came. */
  const epochSeen: number[] = [];
  const flags: { kind: string; at: number }[] = [];
  const validated = (epochs: readonly { valLoss?: number }[]): number => epochs.filter((e) => e.valLoss !== undefined && Number.isFinite(e.valLoss)).length;
  store.onDidProgress(({ run }) => {
    const n = validated(run.epochs);
    while (epochSeen.length < n) epochSeen.push(now());
  });
  store.onDidFlag(({ flag }) => flags.push({ kind: flag.kind, at: now() }));
  await follows.follow(dest);

  const appended: number[] = [];
  const writer = spawn(process.execPath, [__filename, 'write', file, String(pauseMs), String(epochs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let headers: () => void = () => undefined;
  const headersWritten = new Promise<void>((resolve) => (headers = resolve));
  lines(writer.stdout!, (line) => {
    const m = /^appended (-?\d+) ([\d.]+)$/.exec(line);
    if (m && Number(m[1]) < 0) headers();
    else if (m) appended.push(Number(m[2]));
  });
  const exited = new Promise((resolve) => writer.on('exit', resolve));

  // The peer starts once the file exists, as a TensorBoard already running on the logdir would see it.
  await headersWritten;
  const peerSeen: number[] = [];
  const peer = python ? spawn(python, ['-c', PEER, dest, '5'], { stdio: ['ignore', 'pipe', 'ignore'] }) : undefined;
  if (peer) {
    lines(peer.stdout!, (line) => {
      const m = /^seen (\d+) ([\d.]+)$/.exec(line);
      if (m) while (peerSeen.length < Number(m[1])) peerSeen.push(Number(m[2]));
    });
  }
  await exited;
  // The last appends' readings, and the peer's next reload.
  await new Promise((r) => setTimeout(r, peer ? 6_000 : 1_000));
  peer?.kill();
  await follows.stopAll();
  follows.dispose();

  const delays = (seen: readonly number[]): number[] => appended.flatMap((t, i) => (seen[i] !== undefined ? [seen[i]! - t] : []));
  console.log(
    JSON.stringify({
      epochs: appended.length,
      readout: delays(epochSeen),
      // A flag comes before the progress that carries its epoch: it is timed from the latest append before it.
      flags: flags.flatMap((f) => {
        const cause = appended.filter((t) => t <= f.at).at(-1);
        return cause === undefined ? [] : [{ kind: f.kind, ms: f.at - cause }];
      }),
      ...(peer ? { peer: delays(peerSeen) } : {}),
    }),
  );
}

const [mode, target, pause, epochs, python] = process.argv.slice(2);
const done = (p: Promise<void>): void =>
  void p.then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
if (mode === 'latency' && target) done(latency(target, Number(pause ?? 400), Number(epochs ?? 60), python));
else if (mode === 'write' && target) done(write(target, Number(pause ?? 400), Number(epochs ?? 60)));
else {
  console.error('usage: follow-latency-bench.js latency <work dir> <pause ms> <epochs> [python] | write <event file> <pause ms> <epochs>');
  process.exit(2);
}
