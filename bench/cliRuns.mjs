// What the real-table benches share (bench/heldout/run.mjs, bench/timing/run.mjs): build once, write
// a config, run the real CLI (`node out/cli.js train CONFIG --json --out DIR`) and read the run
// folder back; tables as plain rows; seeded stratified splits written to explicit files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI the benches run: this checkout's build, or LOSSLENS_BENCH_CLI (another build's out/cli.js, to compare two builds on the same runs). */
const cli = process.env.LOSSLENS_BENCH_CLI ? path.resolve(process.env.LOSSLENS_BENCH_CLI) : path.join(root, 'out', 'cli.js');

/** Builds out/ unless `envSkip` names a variable set to 1; exits on a failed build. */
export function buildUnless(envSkip) {
  if (process.env[envSkip] === '1') return;
  const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle(a, rnd) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d));

/** A CSV whose label is the last column and whose cells hold no quotes (bench/heldout/data, media/datasets). */
export function readTable(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0];
  const rows = lines.slice(1).map((l) => {
    const cells = l.split(',');
    return { cells, label: cells[cells.length - 1] };
  });
  return { header, rows };
}

export function writeTable(file, header, rows) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, [header, ...rows.map((r) => r.cells.join(','))].join('\n') + '\n');
}

/**
 * A seeded split that keeps each class's share: each class's rows are shuffled (classes in
 * `classOrder`, default: first appearance) and the first `firstCount(n)` of its n rows go to the
 * first part. Returns both parts' row indices in file order, and the generator to draw on from.
 */
export function stratified(rows, seed, firstCount, classOrder = [...new Set(rows.map((r) => r.label))]) {
  const rnd = mulberry32(seed);
  const byClass = new Map(classOrder.map((c) => [c, []]));
  rows.forEach((r, i) => byClass.get(r.label).push(i));
  const inFirst = new Uint8Array(rows.length);
  for (const idx of byClass.values()) {
    const s = shuffle([...idx], rnd);
    for (let i = 0; i < firstCount(s.length); i++) inFirst[s[i]] = 1;
  }
  const first = [];
  const rest = [];
  rows.forEach((_, i) => (inFirst[i] ? first : rest).push(i));
  return { first, rest, rnd };
}

export function priorEntropy(labels) {
  const counts = new Map();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / labels.length) * Math.log(c / labels.length);
  return h;
}

/**
 * Runs the CLI on `config` in `work/id`; returns the run folder's epoch and step records, its
 * diagnostics, and from predictions.csv the mean confidence minus accuracy, accuracy and balanced
 * accuracy of the final model. `{ id, crashed }` when the CLI failed.
 */
export function trainWithCli(work, id, config) {
  const dir = path.join(work, id);
  fs.mkdirSync(dir, { recursive: true });
  const configPath = path.join(dir, `${id}.losslens.json`);
  fs.writeFileSync(configPath, configText(id, config));
  const out = path.join(dir, 'run');
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [cli, 'train', configPath, '--json', '--out', out], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 3) return { id, crashed: `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const diagnostics = JSON.parse(fs.readFileSync(path.join(out, 'diagnostics.json'), 'utf8'));
  return readRun(id, out, diagnostics);
}

const configText = (id, config) => JSON.stringify({ name: id, ...config }, null, 2);

/**
 * The same run without training it again: `work/id` must hold a run of exactly this config (a
 * previous run's folders, kept with its work folder). Its metrics.jsonl, config.json and model.json are judged
 * again by this build's `loss-lens diagnose` (the detectors over a log, as for any trainer's log);
 * flags of the `rejudged` kinds come from that, the others (which need the validation outputs of
 * each epoch, e.g. miscalibration) stay as the run recorded them. Null when no such run is there.
 */
export function rejudgeWithCli(work, id, config, rejudged) {
  const dir = path.join(work, id);
  const out = path.join(dir, 'run');
  const configPath = path.join(dir, `${id}.losslens.json`);
  if (!fs.existsSync(path.join(out, 'diagnostics.json')) || !fs.existsSync(configPath) || fs.readFileSync(configPath, 'utf8') !== configText(id, config)) return null;
  const again = path.join(dir, 'rejudged');
  fs.rmSync(again, { recursive: true, force: true });
  fs.mkdirSync(again);
  // model.json names the classes (the chance level some detectors compare with); predictions and diagnostics stay behind.
  for (const f of ['metrics.jsonl', 'config.json', 'model.json']) fs.copyFileSync(path.join(out, f), path.join(again, f));
  const r = spawnSync(process.execPath, [cli, 'diagnose', again, '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 3) return { id, crashed: `diagnose exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const recorded = JSON.parse(fs.readFileSync(path.join(out, 'diagnostics.json'), 'utf8'));
  const fresh = JSON.parse(r.stdout);
  const flags = [...fresh.flags.filter((f) => rejudged.includes(f.kind)), ...recorded.flags.filter((f) => !rejudged.includes(f.kind))];
  return readRun(id, out, { ...recorded, flags });
}

/** A finished run folder's records and final predictions, with `diagnostics` as its report. */
function readRun(id, out, diagnostics) {
  const lines = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const epochs = lines.filter((l) => !('step' in l));
  const steps = lines.filter((l) => 'step' in l);
  const pred = fs.readFileSync(path.join(out, 'predictions.csv'), 'utf8').trim().split('\n');
  const classes = pred[0].split(',').slice(1).map((c) => c.replace(/^"?p:/, '').replace(/"$/, ''));
  let conf = 0;
  let hits = 0;
  const perClass = new Map();
  for (const line of pred.slice(1)) {
    const cells = line.split(',');
    const label = cells[0].replace(/^"|"$/g, '');
    const p = cells.slice(1).map(Number);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    conf += p[best];
    hits += classes[best] === label ? 1 : 0;
    const c = perClass.get(label) ?? { n: 0, hits: 0 };
    c.n++;
    c.hits += classes[best] === label ? 1 : 0;
    perClass.set(label, c);
  }
  const n = pred.length - 1;
  const recalls = [...perClass.values()].map((c) => c.hits / c.n);
  const balancedAccuracy = recalls.reduce((a, b) => a + b, 0) / recalls.length;
  return { id, dir: out, epochs, steps, diagnostics, flags: diagnostics.flags, confidenceGap: (conf - hits) / n, accuracy: hits / n, balancedAccuracy };
}

export const serious = (f) => f.severity === 'warning' || f.severity === 'error';
