// `npm run bench:timing`: how soon each flag comes, and how often it comes for nothing, on real
// tables, side by side with Keras `EarlyStopping(monitor="val_loss", patience=5|10, min_delta=0)`
// replayed on the same validation curves (Keras stops `patience` epochs after the last epoch whose
// loss was below every earlier one). Every run goes through the real CLI (bench/cliRuns.mjs); each
// run's own metrics decide what it is before any flag is read:
//   overfit    big net [256, 256], 40-120 training rows, 150-500 validation rows, Adam 0.003,
//              150 epochs: validation loss ends >= 20% above its minimum, reached >= 10 epochs
//              before the end, while training loss fell. Delay = raise epoch - that minimum's epoch.
//              "Noisy" curves: epoch-to-epoch noise (robust, see curveNoise) >= 3% of the minimum.
//   healthy    small net on the whole table: validation loss at or near its minimum at the end
//              (median of the last 5 epochs within 3% of the minimum). Any warning/error = a false alarm.
//   imbalance  the issue's false-alarm cases: ~7% minority in 120 training rows, no class weights
//              (big net); balanced class weights on a rare class (seattle-weather "snow" vs the rest,
//              844:12). Exploding-loss and oscillation flags there are false alarms.
//   explode    SGD 0.5 on raw features: a non-finite or > 10 ln C step loss confirms it.
// Tables: media/datasets (the detectors were tuned on these) and bench/heldout/data (never tuned on).
// Builds first unless LOSSLENS_TIMING_NOBUILD=1. Run folders: $LOSSLENS_TIMING_DIR or a temp folder.
// LOSSLENS_TIMING_ONLY=overfit,healthy keeps some groups; LOSSLENS_TIMING_TABLES=iris,cars some tables.
// LOSSLENS_TIMING_RECORD=DIR also writes each run's curves as test fixtures (see test/fixtures/curves).
// LOSSLENS_TIMING_REUSE=1 with LOSSLENS_TIMING_DIR of an earlier run trains nothing that is already
// there: each run's metrics.jsonl is judged again by this build's `loss-lens diagnose` (the curve
// and step detectors, REJUDGED below; the others keep the flags the run recorded), so a detector
// change is measured on the same curves in seconds. LOSSLENS_TIMING_SEEDS=2,3 trains the overfitting
// runs on other seeds (default 0,1: the seeds the detectors were tuned on).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildUnless, fmt, median, readTable, rejudgeWithCli, root, serious, stratified, trainWithCli, writeTable } from '../cliRuns.mjs';

buildUnless('LOSSLENS_TIMING_NOBUILD');
const work = process.env.LOSSLENS_TIMING_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-timing-'));
const only = (v, name) => !process.env[v] || process.env[v].split(',').includes(name);
const reuse = process.env.LOSSLENS_TIMING_REUSE === '1';
if (reuse && !process.env.LOSSLENS_TIMING_DIR) throw new Error('LOSSLENS_TIMING_REUSE=1 needs LOSSLENS_TIMING_DIR: the work folder of an earlier run');
/** The kinds a replay of metrics.jsonl judges again (they need no per-epoch validation outputs). */
const REJUDGED = ['overfitting', 'exploding-loss', 'oscillation', 'plateau'];
const SEEDS = (process.env.LOSSLENS_TIMING_SEEDS ?? '0,1').split(',').map(Number);

const TUNED = ['breast-cancer-wisconsin', 'credit-g', 'diabetes', 'digits', 'glass', 'iris', 'wine'];
const HELDOUT = ['seattle-weather', 'cars', 'fair-affairs', 'anes96-vote', 'modechoice', 'randhie-visit', 'penguins', 'weather-location'];
const TABLES = [
  ...TUNED.map((name) => ({ name, file: path.join(root, 'media', 'datasets', `${name}.csv`), heldOut: false })),
  ...HELDOUT.map((name) => ({ name, file: path.join(root, 'bench', 'heldout', 'data', `${name}.csv`), heldOut: true })),
].filter((t) => only('LOSSLENS_TIMING_TABLES', t.name));

/** Keras EarlyStopping's rule on a validation curve: the 1-based epoch it stops at, or null. */
export function kerasStop(valLosses, patience) {
  let best = Infinity;
  let wait = 0;
  for (let i = 0; i < valLosses.length; i++) {
    wait++;
    if (valLosses[i] < best) {
      best = valLosses[i];
      wait = 0;
    } else if (wait >= patience) return i + 1;
  }
  return null;
}

/** The epoch-to-epoch jitter of a curve: 1.4826 · MAD of each point's residual from its 4 neighbours' median. */
function curveNoise(v) {
  const r = [];
  for (let i = 2; i + 2 < v.length; i++) r.push(Math.abs(v[i] - median([v[i - 2], v[i - 1], v[i + 1], v[i + 2]])));
  return 1.4826 * median(r);
}

// ---------------------------------------------------------------- the suite
const BIG = { model: { hidden: [256, 256] }, optimizer: { type: 'adam', learningRate: 0.003 }, training: { epochs: 150, batchSize: 32, earlyStopping: false } };
const runs = [];

/** Writes a stratified split of `trainRows` training rows and up to `valRows` validation rows; null if the table is too small. */
function splitFiles(table, id, trainRows, valRows, seed, pick = null) {
  const { header, rows } = readTable(table.file);
  const pool = pick ? pick(rows) : rows;
  const share = trainRows / pool.length;
  const { first, rest, rnd } = stratified(pool, seed, (n) => Math.max(1, Math.round(share * n)));
  const valCount = Math.min(valRows, rest.length);
  if (valCount < 150) return null;
  const val = rest.map((i) => [rnd(), i]).sort((a, b) => a[0] - b[0]).slice(0, valCount).map(([, i]) => i).sort((a, b) => a - b);
  const dir = path.join(work, `${id}-data`);
  writeTable(path.join(dir, 'train.csv'), header, first.map((i) => pool[i]));
  writeTable(path.join(dir, 'validation.csv'), header, val.map((i) => pool[i]));
  return { train: path.join(dir, 'train.csv'), validation: path.join(dir, 'validation.csv'), standardize: true, trainRows: first.length, valRows: valCount };
}

for (const table of TABLES) {
  if (only('LOSSLENS_TIMING_ONLY', 'overfit')) {
    for (const n of [40, 80, 120]) {
      for (const seed of SEEDS) {
        const id = `${table.name}-overfit-n${n}-s${seed}`;
        const data = splitFiles(table, id, n, 500, 7 + n + 100 * seed);
        if (!data) continue;
        const { trainRows, valRows, ...files } = data;
        runs.push({ id, table, group: 'overfit', note: `${trainRows}/${valRows} rows`, config: { seed, data: files, ...BIG } });
      }
    }
  }
  if (only('LOSSLENS_TIMING_ONLY', 'healthy')) {
    // Small nets on the whole table, short enough to end near the validation minimum; the last one
    // is noisy on purpose (SGD with momentum, batch 16): Keras' patience is tested on jitter there.
    for (const [tag, note, extra] of [
      ['adam', '[16], Adam 0.001, 40 epochs', { optimizer: { type: 'adam', learningRate: 0.001 }, training: { epochs: 40, batchSize: 32, earlyStopping: false } }],
      ['l2', '[16], l2 1e-3, Adam 0.003, 60 epochs', { regularization: { l2: 0.001 }, optimizer: { type: 'adam', learningRate: 0.003 }, training: { epochs: 60, batchSize: 32, earlyStopping: false } }],
      ['sgd', '[16], SGD 0.05 momentum 0.9, batch 16, 40 epochs', { optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 }, training: { epochs: 40, batchSize: 16, earlyStopping: false } }],
    ]) {
      runs.push({ id: `${table.name}-healthy-${tag}`, table, group: 'healthy', note, config: { seed: 0, data: { source: table.file, validationSplit: 0.3 }, model: { hidden: [16] }, ...extra } });
    }
  }
  if (only('LOSSLENS_TIMING_ONLY', 'explode')) {
    runs.push({
      id: `${table.name}-explode`,
      table,
      group: 'explode',
      note: 'sgd 0.5, raw features',
      config: { seed: 0, data: { source: table.file, validationSplit: 0.2, standardize: false }, model: { hidden: [16] }, optimizer: { type: 'sgd', learningRate: 0.5 }, training: { epochs: 5, batchSize: 32, earlyStopping: false } },
    });
  }
}

if (only('LOSSLENS_TIMING_ONLY', 'imbalance')) {
  const byName = new Map(TABLES.map((t) => [t.name, t]));
  // ~7% minority in 120 training rows, no class weights, big net (binary tables).
  for (const [name, minority] of [['breast-cancer-wisconsin', null], ['diabetes', null], ['anes96-vote', null]]) {
    const table = byName.get(name);
    if (!table) continue;
    const id = `${name}-minority7`;
    const pick = (rows) => {
      const counts = new Map();
      for (const r of rows) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
      const small = minority ?? [...counts].sort((a, b) => a[1] - b[1])[0][0];
      // Keep 8 minority rows per 112 majority rows in the pool, so the stratified split keeps ~7%.
      let keep = 0;
      const majority = rows.length - counts.get(small);
      return rows.filter((r) => r.label !== small || keep++ < Math.round((8 / 112) * majority));
    };
    const data = splitFiles(table, id, 120, 500, 11, pick);
    if (!data) continue;
    const { trainRows, valRows, ...files } = data;
    for (const batchSize of [8, 16, 32]) {
      for (const seed of [0, 1]) {
        runs.push({ id: `${id}-b${batchSize}-s${seed}`, table, group: 'imbalance', note: `${trainRows}/${valRows} rows, ~7% minority, no weights, batch ${batchSize}`, config: { seed, data: files, ...BIG, training: { ...BIG.training, batchSize } } });
      }
    }
  }
  // A rare class with balanced weights: seattle-weather "snow" against the rest, 844:12 in training.
  const sw = byName.get('seattle-weather');
  if (sw) {
    const { header, rows } = readTable(sw.file);
    const binary = rows.map((r) => ({ cells: [...r.cells.slice(0, -1), r.label === 'snow' ? 'snow' : 'other'], label: r.label === 'snow' ? 'snow' : 'other' }));
    const snow = binary.map((r, i) => (r.label === 'snow' ? i : -1)).filter((i) => i >= 0);
    const other = binary.map((r, i) => (r.label === 'snow' ? -1 : i)).filter((i) => i >= 0);
    const trainIdx = new Set([...snow.slice(0, 12), ...other.filter((_, k) => k % 13 !== 0 && k % 13 !== 7).slice(0, 844)]);
    const dir = path.join(work, 'snow-balanced-data');
    writeTable(path.join(dir, 'train.csv'), header, binary.filter((_, i) => trainIdx.has(i)));
    writeTable(path.join(dir, 'validation.csv'), header, binary.filter((_, i) => !trainIdx.has(i)));
    for (const [hidden, batchSize] of [[[32], 8], [[32], 16], [[32], 32], [[256, 256], 16], [[256, 256], 32]]) {
      runs.push({
        id: `seattle-snow-balanced-h${hidden.join('x')}-b${batchSize}`,
        table: sw,
        group: 'imbalance',
        note: `snow vs rest 844:12, balanced weights, batch ${batchSize}`,
        config: { seed: 0, data: { train: path.join(dir, 'train.csv'), validation: path.join(dir, 'validation.csv') }, model: { hidden }, loss: { classWeights: 'balanced' }, optimizer: { type: 'adam', learningRate: 0.003 }, training: { epochs: 150, batchSize, earlyStopping: false } },
      });
    }
  }
}

// ---------------------------------------------------------------- run and confirm
const raised = (f) => serious(f) || f.evidence?.severityBeforeResolved === 'warning' || f.evidence?.severityBeforeResolved === 'error';

const classCount = (table) => new Set(readTable(table.file).rows.map((x) => x.label)).size;

function confirm(r, run) {
  const ep = run.epochs.filter((e) => e.valLoss !== null && e.trainLoss !== null);
  const val = ep.map((e) => e.valLoss);
  const best = ep.reduce((b, e) => (e.valLoss < b.valLoss ? e : b), ep[0]);
  const end = ep[ep.length - 1];
  const tail = median(val.slice(-5));
  if (r.group === 'overfit' || r.group === 'imbalance') {
    const why = !(end.valLoss >= 1.2 * best.valLoss) ? 'val end < 1.2x min' : !(end.epoch - best.epoch >= 10) ? 'minimum near the end' : !(end.trainLoss < best.trainLoss) ? 'train loss did not fall' : null;
    return { overfit: why === null, why, best, noise: curveNoise(val) / best.valLoss };
  }
  if (r.group === 'healthy') {
    const ok = tail <= 1.03 * best.valLoss;
    return { healthy: ok, why: ok ? null : `val end ${fmt(tail, 3)} > 1.03x min ${fmt(best.valLoss, 3)}`, best, noise: curveNoise(val) / best.valLoss };
  }
  const steps = run.steps.map((s) => s.loss);
  const nonFinite = steps.some((l) => l === null) || run.epochs.some((e) => e.trainLoss === null);
  const classes = classCount(r.table);
  const maxStep = Math.max(...steps.filter((l) => l !== null));
  const exploded = nonFinite || maxStep > 10 * Math.log(classes);
  return { exploded, why: exploded ? null : `max step loss ${fmt(maxStep, 2)}`, best };
}

const started = Date.now();
const results = [];
for (const r of runs) {
  const t0 = Date.now();
  const run = (reuse && rejudgeWithCli(work, r.id, r.config, REJUDGED)) || trainWithCli(work, r.id, r.config);
  if (run.crashed) {
    results.push({ ...r, crashed: run.crashed });
    process.stderr.write(`${r.id}: CRASH ${run.crashed}\n`);
    continue;
  }
  const c = confirm(r, run);
  const val = run.epochs.map((e) => (e.valLoss === null ? NaN : e.valLoss));
  const res = { ...r, run, c, keras5: kerasStop(val, 5), keras10: kerasStop(val, 10) };
  results.push(res);
  process.stderr.write(`${r.id.padEnd(40)} ${String(Date.now() - t0).padStart(6)} ms  ${c.why ?? 'confirmed'}  ${run.flags.map((f) => `${f.kind}/${f.severity}@${f.epoch}${f.evidence?.escalatedEpoch ? `>${f.evidence.escalatedEpoch}` : ''}`).join(' ')}\n`);
  if (process.env.LOSSLENS_TIMING_RECORD) record(res);
}

/** 6 significant digits (null stays null: a non-finite value in metrics.jsonl). */
function p6(x) {
  return typeof x === 'number' ? Number(x.toPrecision(6)) : x;
}

/** Class counts of an explicit training file, in the model's class order (null for a validationSplit run). */
function trainCounts(file, classes) {
  if (!file) return null;
  const labels = readTable(file).rows.map((r) => r.label);
  return classes.map((c) => labels.filter((l) => String(l) === String(c)).length);
}

/** Writes the run's curves (and its first epochs' steps) as a compact fixture with how it was made. */
function record(res) {
  const dir = process.env.LOSSLENS_TIMING_RECORD;
  fs.mkdirSync(dir, { recursive: true });
  const { run } = res;
  const stepEpochs = res.group === 'overfit' ? 0 : res.group === 'explode' ? 5 : 30;
  const fixture = {
    id: res.id,
    made: `npm run bench:timing (bench/timing/run.mjs), group ${res.group}, table ${res.table.name}: ${res.note}`,
    config: { ...res.config, data: { ...res.config.data, ...(res.config.data.train ? { train: path.basename(res.config.data.train), validation: path.basename(res.config.data.validation) } : { source: path.basename(res.config.data.source) }) } },
    classes: JSON.parse(fs.readFileSync(path.join(run.dir, 'model.json'), 'utf8')).classes,
    trainClassCounts: trainCounts(res.config.data.train, JSON.parse(fs.readFileSync(path.join(run.dir, 'model.json'), 'utf8')).classes),
    epochs: run.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss, e.valAccuracy].map(p6)),
    steps: run.steps.filter((s) => s.epoch <= stepEpochs).map((s) => [s.step, s.epoch, s.loss, s.gradNorm].map(p6)),
    flagsWhenRecorded: run.flags.map((f) => ({ kind: f.kind, severity: f.severity, epoch: f.epoch, ...(f.step !== undefined ? { step: f.step } : {}) })),
  };
  fs.writeFileSync(path.join(dir, `${res.id}.json`), JSON.stringify(fixture) + '\n');
}

// ---------------------------------------------------------------- report
const ok = results.filter((r) => !r.crashed);
const overfit = ok.filter((r) => r.c.overfit);
const healthy = ok.filter((r) => r.c.healthy);
const explode = ok.filter((r) => r.c.exploded);
const flagOf = (r, kind) => r.run.flags.find((f) => f.kind === kind && raised(f));
/** The epoch a rule fired on a run: the flag's raise epoch (error: when it escalated), or Keras's stop. */
const rules = [
  ['overfitting: warning', (r) => flagOf(r, 'overfitting')?.epoch ?? null],
  ['overfitting: error', (r) => {
    const f = flagOf(r, 'overfitting');
    if (!f) return null;
    if (f.severity === 'error') return f.evidence.escalatedEpoch ?? f.epoch;
    return null;
  }],
  ['Keras patience 5', (r) => r.keras5],
  ['Keras patience 10', (r) => r.keras10],
];

function delayLine(name, fire, set) {
  const fired = set.map((r) => ({ r, at: fire(r) })).filter((x) => x.at !== null);
  const delays = fired.map((x) => x.at - x.r.c.best.epoch);
  const after = delays.filter((d) => d >= 0);
  return `${name.padEnd(22)} ${String(set.length).padStart(4)} ${String(fired.length).padStart(6)}  ${fmt(median(after), 1).padStart(6)}  ${String(after.length ? Math.max(...after) : '-').padStart(5)}  ${String(delays.filter((d) => d < 0).length).padStart(6)}`;
}

console.log(`\nbench:timing — ${ok.length} runs (${results.length - ok.length} crashed) in ${((Date.now() - started) / 1000).toFixed(0)} s; run folders in ${work}; overfitting runs on seeds ${SEEDS.join(', ')}`);
if (reuse) console.log(`Runs found in the work folder were not trained again: ${REJUDGED.join(', ')} judged again on their metrics.jsonl by ${process.env.LOSSLENS_BENCH_CLI ?? "this build"}, other flags as recorded.`);
console.log('');
const header = `${'rule'.padEnd(22)} ${'runs'.padStart(4)} ${'fired'.padStart(6)}  ${'median'.padStart(6)}  ${'worst'.padStart(5)}  ${'early'.padStart(6)}`;
for (const [title, set] of [
  ['all overfitting runs', overfit],
  ['  tuned tables (media/datasets)', overfit.filter((r) => !r.table.heldOut)],
  ['  held-out tables (bench/heldout/data)', overfit.filter((r) => r.table.heldOut)],
  ['  noisy curves (noise >= 3% of the minimum)', overfit.filter((r) => r.c.noise >= 0.03)],
]) {
  console.log(`Detection delay on ${title}: epochs after the validation-loss minimum (early = fired before it)`);
  console.log(header);
  for (const [name, fire] of rules) console.log(delayLine(name, fire, set));
  console.log('');
}

console.log(`False alarms on ${healthy.length} healthy runs (validation loss still at its minimum at the end):`);
for (const [name, fire] of rules) console.log(`  ${name.padEnd(22)} ${healthy.filter((r) => fire(r) !== null).length}`);
const kinds = [...new Set(ok.flatMap((r) => r.run.flags.map((f) => f.kind)))].sort();
console.log('\nWarnings/errors by kind (false alarm = on a run whose metrics do not show that problem):');
const notThat = {
  overfitting: (r) => r.c.healthy === true,
  'exploding-loss': (r) => r.group !== 'explode',
  oscillation: (r) => r.group !== 'explode',
};
for (const kind of kinds) {
  const eligible = ok.filter(notThat[kind] ?? ((r) => r.c.healthy === true));
  const alarms = eligible.filter((r) => flagOf(r, kind));
  console.log(`  ${kind.padEnd(18)} ${String(alarms.length).padStart(3)} false alarms on ${eligible.length} runs${alarms.length ? `: ${alarms.map((r) => r.id).join(', ')}` : ''}`);
}
console.log(`\nExplosions (SGD 0.5, raw features): ${explode.length} confirmed`);
for (const r of explode) {
  const f = flagOf(r, 'exploding-loss');
  console.log(`  ${r.id.padEnd(36)} ${f ? `${f.severity} at epoch ${f.epoch}, step ${f.step ?? '-'} (${f.evidence.reason})` : 'MISSED'}`);
}
const unconfirmed = ok.filter((r) => r.c.why);
if (unconfirmed.length) {
  console.log('\nRuns whose metrics did not show their group\'s phenomenon (left out of the figures above):');
  for (const r of unconfirmed) console.log(`  ${r.id.padEnd(36)} ${r.c.why}`);
}
