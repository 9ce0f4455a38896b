// `npm run bench`: Loss Lens engine vs TF.js (WASM and CPU backends) vs PyTorch (1 thread), side by side
// in ONE run. Builds the benchmark bundles, then runs every implementation × workload in its own child
// process, one at a time, pinned to one CPU, in interleaved rounds; reports medians and ratios.
//
// Options (environment): LOSSLENS_BENCH_ROUNDS (default 3), LOSSLENS_BENCH_SECONDS (timed seconds
// per child, default 1.5), LOSSLENS_BENCH_CPU (the CPU to pin to, default 1; "none" disables),
// LOSSLENS_BENCH_ONLY (comma-separated implementation names).
// Results also go to .bench/results.json. No timing is ever asserted: this prints, it does not judge.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watPlugin } from './esbuild-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.env.LOSSLENS_BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.LOSSLENS_BENCH_SECONDS ?? 1.5);
const cpu = process.env.LOSSLENS_BENCH_CPU ?? '1';
/** Debian's python3-torch; the pyenv python3 on PATH has no torch. */
const PYTHON = '/usr/bin/python3';
const WORKLOADS = ['W1', 'W2'];
/** Multiply-adds of one sample's forward pass, and of a training sample's GEMMs (bench/workloads.ts). */
const SIZES = { W1: [64, 128, 128, 10], W2: [784, 256, 128, 10] };
const BATCH = { W1: 32, W2: 128 };

function forwardMacs(w) {
  const s = SIZES[w];
  let macs = 0;
  for (let l = 1; l < s.length; l++) macs += s[l - 1] * s[l];
  return macs;
}
const trainFlops = (w) => 2 * (3 * forwardMacs(w) - SIZES[w][0] * SIZES[w][1]);
const inferFlops = (w) => 2 * forwardMacs(w);

function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// --- build -------------------------------------------------------------------------------------
await esbuild.build({
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', absWorkingDir: root,
  plugins: [watPlugin], external: ['@tensorflow/*'], outdir: 'out/bench',
  entryPoints: { 'engine.bench': 'bench/engine.bench.ts', 'tfjs.bench': 'bench/tfjs.bench.ts', 'gemm.bench': 'bench/gemm.bench.ts' },
});

// --- children ----------------------------------------------------------------------------------
const pin = cpu !== 'none' && existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', '-c', cpu] : [];
const singleThread = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };

function child(command, args) {
  const [file, ...rest] = [...pin, command, ...args];
  const r = spawnSync(file, rest, { cwd: root, encoding: 'utf8', env: singleThread, maxBuffer: 1 << 24, timeout: 180_000 });
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ') };
  return JSON.parse(line);
}

const torchCheck = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
const torchVersion = torchCheck.status === 0 ? torchCheck.stdout.trim() : null;

const IMPLEMENTATIONS = [
  { name: 'engine-wasm', run: (w) => child(process.execPath, ['out/bench/engine.bench.js', w, 'wasm', String(seconds)]) },
  { name: 'engine-js', run: (w) => child(process.execPath, ['out/bench/engine.bench.js', w, 'js', String(seconds)]) },
  { name: 'tfjs-wasm', run: (w) => child(process.execPath, ['out/bench/tfjs.bench.js', w, 'wasm', String(seconds)]) },
  { name: 'tfjs-cpu', run: (w) => child(process.execPath, ['out/bench/tfjs.bench.js', w, 'cpu', String(seconds)]) },
  ...(torchVersion ? [{ name: 'pytorch', run: (w) => child(PYTHON, ['bench/pytorch_bench.py', w, String(seconds)]) }] : []),
].filter((impl) => !process.env.LOSSLENS_BENCH_ONLY || process.env.LOSSLENS_BENCH_ONLY.split(',').includes(impl.name));

const started = Date.now();
console.log(`Loss Lens benchmark: ${rounds} interleaved rounds, ${seconds}s timed per child, ${pin.length ? `pinned to CPU ${cpu}` : 'not pinned'}, Node ${process.version}`);
console.log(torchVersion ? `PyTorch ${torchVersion} (${PYTHON}), torch.set_num_threads(1)` : `PyTorch: skipped (${PYTHON} has no torch)`);

const samples = {}; // samples[impl][workload] = [result, ...]
const errors = [];
for (let round = 1; round <= rounds; round++) {
  // Rotate the order every round so no implementation always runs first (or right after a heavy one).
  const order = IMPLEMENTATIONS.map((_, i) => IMPLEMENTATIONS[(i + round - 1) % IMPLEMENTATIONS.length]);
  for (const w of WORKLOADS) {
    for (const impl of order) {
      const result = impl.run(w);
      if (result.error) errors.push(`${impl.name} ${w}: ${result.error}`);
      ((samples[impl.name] ??= {})[w] ??= []).push(result);
      process.stdout.write('.');
    }
  }
  process.stdout.write(` round ${round}/${rounds}\n`);
}
const gemm = child(process.execPath, ['out/bench/gemm.bench.js', String(Math.max(3, 2 * seconds))]);

// --- report ------------------------------------------------------------------------------------
const med = (impl, w, pick) => median((samples[impl]?.[w] ?? []).filter((r) => !r.error).map(pick));
const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const summary = {};

for (const [basis, title] of [['wall', 'samples per wall-clock second'], ['cpu', 'samples per CPU second of the process (robust when other jobs share the machine)']]) {
  console.log(`\nTraining and inference, ${title}; medians of ${rounds} rounds`);
  const header = ['workload', 'implementation', 'train samples/s', 'train GFLOP/s', 'vs PyTorch', 'vs TF.js wasm', 'infer samples/s', 'infer GFLOP/s', 'infer vs PyTorch'];
  const rows = [header];
  for (const w of WORKLOADS) {
    const torchTrain = med('pytorch', w, (r) => r.train[basis]);
    const torchInfer = med('pytorch', w, (r) => r.infer[basis]);
    const tfjsTrain = med('tfjs-wasm', w, (r) => r.train[basis]);
    for (const impl of IMPLEMENTATIONS) {
      const train = med(impl.name, w, (r) => r.train[basis]);
      const infer = med(impl.name, w, (r) => r.infer[basis]);
      ((summary[basis] ??= {})[w] ??= {})[impl.name] = { train, infer, trainVsPytorch: train / torchTrain, trainVsTfjsWasm: train / tfjsTrain, inferVsPytorch: infer / torchInfer };
      rows.push([w, impl.name, fmt(train), fmt((train * trainFlops(w)) / 1e9, 1), ratio(train, torchTrain), ratio(train, tfjsTrain),
        fmt(infer), fmt((infer * inferFlops(w)) / 1e9, 1), ratio(infer, torchInfer)]);
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => (c < 2 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((n) => '-'.repeat(n)).join('  '));
  }
}

console.log('\nEngine step time as the run folder records it (epoch timeMs: forward, backward, update), samples/s:');
for (const w of WORKLOADS) {
  console.log(`  ${w}: wasm ${fmt(med('engine-wasm', w, (r) => r.trainStepsOnly))}, js ${fmt(med('engine-js', w, (r) => r.trainStepsOnly))}`);
}

if (!gemm.error) {
  console.log('\nGEMM micro-benchmark (GFLOP/s per CPU second, median; the GEMMs of one training step, plus a square reference)');
  for (const r of gemm.results) {
    console.log(`  ${r.label.padEnd(14)} ${r.op} ${`${r.m}×${r.n}×${r.k}`.padEnd(12)} wasm ${fmt(r.gflops.wasm, 1).padStart(5)}   js ${fmt(r.gflops.js, 1).padStart(5)}`);
  }
} else errors.push(`gemm: ${gemm.error}`);

console.log('\nMemory (engine, training): the arena holds every float of a run (parameters, gradients, Adam moments, the early-stopping');
console.log('copy, batch buffers max(batch, 32) rows tall); "needed" = parameters + gradients + 2 Adam moments + one training batch\'s');
console.log('activations (input, pre-activations, activations, logits) and their gradients.');
for (const w of WORKLOADS) {
  const s = SIZES[w];
  let params = 0;
  let activations = BATCH[w] * s[0];
  for (let l = 1; l < s.length; l++) {
    params += s[l - 1] * s[l] + s[l];
    activations += BATCH[w] * s[l] * (l < s.length - 1 ? 2 : 1);
  }
  const needed = 4 * (4 * params + 2 * activations);
  const arena = med('engine-wasm', w, (r) => r.arenaBytes);
  const rss = med('engine-wasm', w, (r) => r.maxRssBytes);
  console.log(`  ${w}: arena ${fmt(arena / 1024)} KiB, needed ${fmt(needed / 1024)} KiB (${ratio(arena, needed)}); peak process RSS ${fmt(rss / 2 ** 20, 1)} MiB `
    + `(PyTorch ${fmt(med('pytorch', w, (r) => r.maxRssBytes) / 2 ** 20, 1)} MiB, TF.js wasm ${fmt(med('tfjs-wasm', w, (r) => r.maxRssBytes) / 2 ** 20, 1)} MiB)`);
}

const blas = [...new Set(Object.values(samples.pytorch ?? {}).flat().map((r) => r.blas).filter(Boolean))];
if (blas.length) {
  const reference = blas.some((b) => /\/blas\/libblas\.so/.test(b)) && !blas.some((b) => /openblas|mkl|blis/i.test(b));
  console.log(`\nPyTorch's BLAS: ${blas.join('; ')}${reference ? ' — the netlib reference BLAS, far slower than OpenBLAS: PyTorch ratios flatter the others' : ''}`);
}
if (errors.length) console.log(`\nErrors:\n  ${errors.join('\n  ')}`);
console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s.`);
mkdirSync(path.join(root, '.bench'), { recursive: true });
writeFileSync(path.join(root, '.bench/results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, torch: torchVersion, rounds, seconds, summary, samples, gemm }, null, 2));
