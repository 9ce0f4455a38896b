#!/usr/bin/env node
// A trainer stand-in for the tests and the benchmark: a separate process that writes a recorded log
// again, record by record, as the library wrote it. TensorBoard event files (every one under the
// source folder: Keras's train/ and validation/, add_scalars writers) are split into their TFRecord
// records, put in the order the library wrote them (their wall_time) and appended in groups (the
// records written within 50 ms: one epoch's values in every file); CSV logs (Keras CSVLogger) line
// by line, line k with group k. After each group it prints `appended <group> <ms>` (ms: the
// writer's clock, performance.timeOrigin + now(), comparable across processes) and pauses.
//
//   node test/helpers/replayLog.mjs --from SRC --to DEST [--pause-ms 200] [--start-after-ms 0] [--steps N]
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, 'pause-ms': { type: 'string', default: '200' }, 'start-after-ms': { type: 'string', default: '0' }, steps: { type: 'string' } } });
if (!values.from || !values.to) {
  console.error('usage: replayLog.mjs --from SRC --to DEST [--pause-ms N] [--start-after-ms N] [--steps N]');
  process.exit(2);
}
const pauseMs = Number(values['pause-ms']);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every file under a folder (or the file itself), relative paths. */
function filesUnder(root, rel = '') {
  const abs = path.join(root, rel);
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs).sort().flatMap((name) => filesUnder(root, rel ? path.join(rel, name) : name));
}

/** A TFRecord file's records: 8-byte length, 4-byte CRC of it, the data, 4-byte CRC of the data. */
function records(bytes) {
  const out = [];
  for (let at = 0; at + 12 <= bytes.length; ) {
    const length = Number(bytes.readBigUInt64LE(at));
    const end = at + 12 + length + 4;
    if (end > bytes.length) break;
    const data = bytes.subarray(at + 12, at + 12 + length);
    // Event.wall_time is field 1, a double, written first.
    out.push({ bytes: bytes.subarray(at, end), wallTime: data[0] === 0x09 ? data.readDoubleLE(1) : 0 });
    at = end;
  }
  return out;
}

/** Records of one write, in order: group -> [{ file, bytes }]; group -1 holds the file headers. */
const steps = new Map();
const put = (step, file, bytes) => steps.set(step, [...(steps.get(step) ?? []), { file, bytes }]);
const events = [];
/** Records written this close together are one group (an epoch's values, in every file). */
const GROUP_MS = 50;
const from = path.resolve(values.from);
const base = statSync(from).isDirectory() ? from : path.dirname(from);
for (const rel of filesUnder(base, statSync(from).isDirectory() ? '' : path.basename(from))) {
  const bytes = readFileSync(path.join(base, rel));
  const dest = path.join(values.to, rel);
  mkdirSync(path.dirname(dest), { recursive: true });
  writeFileSync(dest, '');
  if (/tfevents/.test(path.basename(rel))) records(bytes).forEach((r, i) => (i === 0 ? put(-1, dest, r.bytes) : events.push({ ...r, file: dest, order: events.length })));
  else if (/\.(csv|log)$/.test(rel)) {
    const lines = bytes.toString('utf8').split(/(?<=\n)/);
    lines.forEach((line, i) => put(i === 0 ? -1 : i - 1, dest, Buffer.from(line)));
  } else writeFileSync(dest, bytes);
}

events.sort((a, b) => a.wallTime - b.wallTime || a.order - b.order);
let group = -1;
let groupStart = -Infinity;
for (const e of events) {
  if ((e.wallTime - groupStart) * 1000 > GROUP_MS) {
    group++;
    groupStart = e.wallTime;
  }
  put(group, e.file, e.bytes);
}

await sleep(Number(values['start-after-ms']));
const order = [...steps.keys()].sort((a, b) => a - b);
const limit = values.steps ? Number(values.steps) + 1 : order.length;
for (const step of order.slice(0, limit)) {
  for (const { file, bytes } of steps.get(step)) appendFileSync(file, bytes);
  process.stdout.write(`appended ${step} ${now().toFixed(3)}\n`);
  if (step >= 0) await sleep(pauseMs);
}
process.stdout.write('done\n');
