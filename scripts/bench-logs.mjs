// `npm run bench:logs`: ingestion of every log format in records/s, TensorBoard event files side by
// side with TensorBoard's own Python loader on the same files (EventAccumulator for one big file,
// EventMultiplexer for a logdir of ten runs; size_guidance 0: every scalar kept), and a 1,000,000-step log read and diagnosed: time and peak memory.
// Every measurement runs in its own process, rounds interleaved; figures are medians. Nothing is
// asserted: the bench prints. A missing peer (no Python with tensorboard) is reported and skipped.
//   LOSSLENS_BENCH_STEPS=1000000  steps of the workloads     LOSSLENS_BENCH_ROUNDS=3
//   LOSSLENS_BENCH_PYTHON=...     the Python with tensorboard (default: /tmp/mlvenv/bin/python, then python3)
//   LOSSLENS_BENCH_PYTHON_TF=...  a Python with tensorboard and tensorflow (default: /tmp/tfvenv/bin/python):
//                                 TensorBoard then reads records with TensorFlow's C++ reader instead of its
//                                 pure-Python stub, the setup of a user who has TensorFlow installed. Both
//                                 peers are run when both are there; either missing is reported and skipped.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out', 'bench');
const work = path.join(root, '.bench', 'logs');
const steps = Number(process.env.LOSSLENS_BENCH_STEPS ?? 1_000_000);
const rounds = Number(process.env.LOSSLENS_BENCH_ROUNDS ?? 3);
const child = path.join(out, 'logs-bench.js');

const latencyChild = path.join(out, 'follow-latency-bench.js');
for (const [entry, outfile] of [['bench/logs.bench.ts', child], ['bench/follow-latency.bench.ts', latencyChild]]) {
  await esbuild.build({ entryPoints: [path.join(root, entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', absWorkingDir: root });
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = (r.stdout ?? '').trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(line);
}
const node = (...args) => run(process.execPath, ['--enable-source-maps', child, ...args]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));

mkdirSync(work, { recursive: true });
// v3: the workloads include the ten-run logdir and the resumed run.
const marker = path.join(work, `steps-${steps}-v3`);
if (!existsSync(marker)) {
  console.log(`writing the workloads (${steps} steps) to ${path.relative(root, work)} ...`);
  const g = node('gen', work, String(steps));
  if (g.error) throw new Error(`gen failed: ${g.error}`);
  writeFileSync(marker, '');
}

// The Python peer: TensorBoard's EventAccumulator keeping every scalar.
const PEER = `
import json, sys, time
t0 = time.perf_counter()
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat import tf
tf.__version__  # TensorFlow (or TensorBoard's stub) is imported lazily: import it before the clock starts
t1 = time.perf_counter()
c1 = time.process_time()
ea = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
ea.Reload()
n = sum(len(ea.Scalars(t)) for t in ea.Tags()["scalars"])
t2 = time.perf_counter()
c2 = time.process_time()
import resource
print(json.dumps({"records": n, "seconds": t2 - t1, "cpuSeconds": c2 - c1, "importSeconds": t1 - t0, "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;
// The same for a logdir of many runs: TensorBoard's EventMultiplexer (an EventAccumulator per run),
// as its server loads a logdir.
const PEER_LOGDIR = `
import json, sys, time
from tensorboard.backend.event_processing.event_multiplexer import EventMultiplexer
from tensorboard.compat import tf
tf.__version__  # imported before the clock starts, as above
t1 = time.perf_counter()
c1 = time.process_time()
m = EventMultiplexer(size_guidance={"scalars": 0})
m.AddRunsFromDirectory(sys.argv[1])
m.Reload()
n = sum(len(m.Scalars(run, t)) for run, tags in m.Runs().items() for t in tags["scalars"])
t2 = time.perf_counter()
c2 = time.process_time()
import resource
print(json.dumps({"records": n, "runs": len(m.Runs()), "seconds": t2 - t1, "cpuSeconds": c2 - c1, "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

/** The first candidate with tensorboard, with or without tensorflow as asked. */
function findPython(candidates, withTf) {
  const probe = 'import importlib.util, tensorboard; print(tensorboard.__version__, importlib.util.find_spec("tensorflow") is not None)';
  for (const py of candidates.filter(Boolean)) {
    const r = spawnSync(py, ['-c', probe], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const [version, tf] = r.stdout.trim().split(' ');
    if ((tf === 'True') === withTf) return { py, version, tf: withTf };
  }
  return undefined;
}
const python = findPython([process.env.LOSSLENS_BENCH_PYTHON, '/tmp/mlvenv/bin/python', 'python3'], false);
const pythonTf = findPython([process.env.LOSSLENS_BENCH_PYTHON_TF, '/tmp/tfvenv/bin/python'], true);

const formats = [
  ['TensorBoard event file', 'tensorboard'],
  ['TensorBoard resumed run (2 files)', 'resumed'],
  ['Keras CSVLogger', 'keras/training.log'],
  ['Lightning metrics.csv', 'lightning'],
  ['Hugging Face trainer_state.json', 'huggingface'],
  ['JSON lines', 'jsonl/log.jsonl'],
];
const samples = new Map(formats.map(([name]) => [name, []]));
const peer = [];
const peerTf = [];
const logdir = [];
const logdirPeer = [];
const logdirPeerTf = [];
const million = [];
for (let r = 0; r < rounds; r++) {
  // Rotate the order each round so that no reader always runs first on a warm page cache.
  const order = formats.map((_, i) => formats[(i + r) % formats.length]);
  for (const [name, rel] of order) {
    const m = node('read', path.join(work, rel));
    if (m.error) console.log(`  ${name}: failed: ${m.error}`);
    else samples.get(name).push(m);
  }
  for (const [py, into, script, rel] of [[python, peer, PEER, 'tensorboard'], [pythonTf, peerTf, PEER, 'tensorboard'], [python, logdirPeer, PEER_LOGDIR, 'logdir'], [pythonTf, logdirPeerTf, PEER_LOGDIR, 'logdir']]) {
    if (!py) continue;
    const p = run(py.py, ['-c', script, path.join(work, rel)]);
    if (p.error) console.log(`  TensorBoard's loader (${py.py}, ${rel}): failed: ${p.error}`);
    else into.push(p);
  }
  const l = node('read', path.join(work, 'logdir'));
  if (l.error) console.log(`  logdir: failed: ${l.error}`);
  else logdir.push(l);
  const d = node('diagnose', path.join(work, 'tensorboard'));
  if (d.error) console.log(`  diagnose: failed: ${d.error}`);
  else million.push(d);
}

console.log(`\nIngestion, ${steps.toLocaleString('en')} steps, median of ${rounds} (each in its own process; records = events, lines or log_history entries)`);
console.log('  format                              records    seconds   records/s   per CPU-s   peak RSS');
const summary = { steps, rounds, formats: {}, peer: undefined, million: undefined };
for (const [name] of formats) {
  const s = samples.get(name);
  if (!s.length) continue;
  const sec = median(s.map((x) => x.seconds));
  const cpu = median(s.map((x) => x.cpuSeconds));
  const rec = s[0].records;
  summary.formats[name] = { records: rec, seconds: sec, cpuSeconds: cpu, recordsPerSecond: rec / sec, recordsPerCpuSecond: rec / cpu, peakRssMB: median(s.map((x) => x.peakRssMB)), steps: s[0].steps, epochs: s[0].epochs };
  console.log(`  ${name.padEnd(34)} ${String(rec).padStart(9)} ${sec.toFixed(3).padStart(9)} ${fmt(rec / sec).padStart(10)}/s ${fmt(rec / cpu).padStart(10)}/s ${median(s.map((x) => x.peakRssMB)).toFixed(0).padStart(7)} MB`);
}
const tb = summary.formats['TensorBoard event file'];
/** One peer's figures beside ours: wall clock and CPU time, both medians of the rounds. */
function comparePeer(py, runs, what, ours = tb, loader = 'EventAccumulator') {
  if (!py) return void console.log(`\nTensorBoard's ${loader} ${what}: skipped (no such Python: ${what.includes('with TensorFlow') ? 'set LOSSLENS_BENCH_PYTHON_TF' : 'set LOSSLENS_BENCH_PYTHON'})`);
  if (!runs.length || !ours) return void console.log(`\nTensorBoard's ${loader} ${what}: skipped (it failed)`);
  const sec = median(runs.map((x) => x.seconds));
  const cpu = median(runs.map((x) => x.cpuSeconds));
  const rps = runs[0].records / sec;
  const rpc = runs[0].records / cpu;
  const r = { python: py.py, tensorboard: py.version, tensorflow: py.tf, records: runs[0].records, seconds: sec, cpuSeconds: cpu, recordsPerSecond: rps, recordsPerCpuSecond: rpc, ratio: ours.recordsPerSecond / rps, cpuRatio: ours.recordsPerCpuSecond / rpc };
  console.log(`\nTensorBoard ${py.version} ${loader} (size_guidance scalars=0) ${what}, same files, same run:`);
  console.log(`  ${runs[0].records} scalars in ${sec.toFixed(2)} s (${cpu.toFixed(2)} CPU-s) = ${fmt(rps)}/s, ${fmt(rpc)}/CPU-s, peak RSS ${median(runs.map((x) => x.peakRssMB)).toFixed(0)} MB`);
  console.log(`  Loss Lens: ${fmt(ours.recordsPerSecond)}/s = ${r.ratio.toFixed(1)}x ${loader} by wall clock, ${r.cpuRatio.toFixed(1)}x by CPU time (goal: >= 50x)`);
  return r;
}
summary.peer = comparePeer(python, peer, 'without TensorFlow (its own pure-Python record reader, as `pip install tensorboard` gives PyTorch users)');
summary.peerTf = comparePeer(pythonTf, peerTf, 'with TensorFlow installed (its C++ record reader)');
if (logdir.length) {
  const sec = median(logdir.map((x) => x.seconds));
  const cpu = median(logdir.map((x) => x.cpuSeconds));
  summary.logdir = { runs: logdir[0].runs, records: logdir[0].records, seconds: sec, cpuSeconds: cpu, recordsPerSecond: logdir[0].records / sec, recordsPerCpuSecond: logdir[0].records / cpu, peakRssMB: median(logdir.map((x) => x.peakRssMB)) };
  console.log(`\nA logdir of ${logdir[0].runs} runs (TensorBoard's layout), the same ${logdir[0].records.toLocaleString('en')} records in all, read run after run: ${sec.toFixed(3)} s = ${fmt(summary.logdir.recordsPerSecond)}/s, ${fmt(summary.logdir.recordsPerCpuSecond)}/CPU-s, peak RSS ${summary.logdir.peakRssMB.toFixed(0)} MB`);
  summary.logdirPeer = comparePeer(python, logdirPeer, 'without TensorFlow', summary.logdir, 'EventMultiplexer');
  summary.logdirPeerTf = comparePeer(pythonTf, logdirPeerTf, 'with TensorFlow installed', summary.logdir, 'EventMultiplexer');
}
if (million.length) {
  const m = {
    steps: million[0].steps,
    epochs: million[0].epochs,
    readSeconds: median(million.map((x) => x.readSeconds)),
    diagnoseSeconds: median(million.map((x) => x.diagnoseSeconds)),
    peakRssMB: median(million.map((x) => x.peakRssMB)),
  };
  summary.million = m;
  console.log(`\n${m.steps.toLocaleString('en')}-step TensorBoard log as \`loss-lens diagnose\` reads it (every step kept, then the detectors):`);
  console.log(`  read ${m.readSeconds.toFixed(2)} s, detectors ${m.diagnoseSeconds.toFixed(2)} s (${((m.diagnoseSeconds / m.steps) * 1e6).toFixed(2)} us/step), peak RSS ${m.peakRssMB.toFixed(0)} MB`);
  console.log(`  streamed (nothing kept): ${tb ? `${tb.seconds.toFixed(2)} s, peak RSS ${tb.peakRssMB.toFixed(0)} MB` : 'n/a'}`);
}
// Bounded memory: each append-only format streamed to its end inside a 64 MB JavaScript heap.
const HEAP_MB = 64;
console.log(`\nStreamed to the end with node --max-old-space-size=${HEAP_MB} (a follower catching up; nothing kept):`);
summary.bounded = {};
for (const [name, rel] of formats) {
  if (name.startsWith('Hugging Face')) {
    console.log(`  ${name.padEnd(34)} not streamed: the file is rewritten whole at each save, and read whole`);
    continue;
  }
  const m = run(process.execPath, [`--max-old-space-size=${HEAP_MB}`, child, 'read', path.join(work, rel)]);
  summary.bounded[name] = m.error ? { ok: false } : { ok: true, peakRssMB: m.peakRssMB, seconds: m.seconds };
  console.log(`  ${name.padEnd(34)} ${m.error ? `failed (${m.error.slice(0, 80)})` : `ok, ${m.seconds.toFixed(2)} s, peak RSS ${m.peakRssMB.toFixed(0)} MB`}`);
}
// Latency: a writer process appends an event file epoch by epoch (every 400 ms) while the
// editor's FollowController follows them, and TensorBoard's loader at its server's reload interval beside it.
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const latencyPeer = python ?? pythonTf;
const lat = run(process.execPath, [latencyChild, 'latency', work, '400', '60', ...(latencyPeer ? [latencyPeer.py] : [])]);
if (lat.error) console.log(`\nFollow latency: failed: ${lat.error}`);
else {
  summary.latency = lat;
  const line = (xs) => `median ${median(xs).toFixed(0)} ms, p90 ${quantile(xs, 0.9).toFixed(0)} ms, worst ${Math.max(...xs).toFixed(0)} ms (${xs.length} appends)`;
  console.log(`\nFollow latency, a writer process appending ${lat.epochs} epochs to a TensorBoard event file (50 steps each, as SummaryWriter with flush() writes them), one every 400 ms:`);
  console.log(`  append -> readout (the store the status bar draws): ${line(lat.readout)}  (goal: median < 1 s)`);
  for (const f of lat.flags) console.log(`  append -> flag "${f.kind}" raised on it: ${f.ms.toFixed(0)} ms`);
  if (lat.peer?.length) console.log(`  TensorBoard ${latencyPeer.version} EventAccumulator reloaded every 5 s (its server's default), same files: ${line(lat.peer)} = ${(median(lat.peer) / median(lat.readout)).toFixed(0)}x Loss Lens's median`);
  else console.log('  TensorBoard\'s EventAccumulator: skipped (no Python with tensorboard)');
}
mkdirSync(path.join(root, '.bench'), { recursive: true });
writeFileSync(path.join(root, '.bench', 'logs-results.json'), `${JSON.stringify(summary, null, 2)}\n`);
