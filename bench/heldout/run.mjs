// `npm run bench:heldout`: the detectors on real tables they were never tuned on (bench/heldout/data,
// see PROVENANCE.md). For each table it writes configs, runs the real CLI
// (`node out/cli.js train CONFIG --json --out DIR`) and checks, FROM THE RUN'S OWN METRICS first,
// that the phenomenon happened before it looks at the flags:
//   healthy (3 seeds)  no warning or error may be raised
//   overfit            validation loss has a clear minimum then rises while training loss falls
//                      -> `overfitting`, onset near the minimum, detection delay
//   overconfident      the same run: mean top-label confidence above accuracy (predictions.csv)
//                      -> `miscalibration` with direction overconfident
//   underconfident     label smoothing 0.3: confidence below accuracy -> direction underconfident
//   exploding          sgd, large rate, raw features: a non-finite or spiking loss -> `exploding-loss`
//                      (and `dead-network` when the loss ends at the class-prior entropy)
//   mislabeled         5% of the training rows flipped to another class (explicit train/validation
//                      files, so `row` is the row of the training file) -> precision and recall of
//                      `suspectedMislabeled`; `clean` is the same split unflipped (natural suspects)
// Builds first unless LOSSLENS_HELDOUT_NOBUILD=1. Run folders go to $LOSSLENS_HELDOUT_DIR or a
// temporary folder. LOSSLENS_HELDOUT_ONLY=cars,fair-affairs keeps some tables.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dataDir = path.join(here, 'data');
const work = process.env.LOSSLENS_HELDOUT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-heldout-'));
const cli = path.join(root, 'out', 'cli.js');

if (process.env.LOSSLENS_HELDOUT_NOBUILD !== '1') {
  const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

/** Tables: which exploding rate to use (raw features of very different sizes explode sooner). */
const TABLES = [
  { name: 'seattle-weather', explodeLr: 1 },
  { name: 'cars', explodeLr: 0.1 },
  { name: 'fair-affairs', explodeLr: 1 },
  { name: 'anes96-vote', explodeLr: 0.1 },
  { name: 'modechoice', explodeLr: 0.1 },
  { name: 'randhie-visit', explodeLr: 1 },
].filter((t) => !process.env.LOSSLENS_HELDOUT_ONLY || process.env.LOSSLENS_HELDOUT_ONLY.split(',').includes(t.name));

// ---------------------------------------------------------------- small helpers
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffle(a, rnd) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d));

function readTable(name) {
  const lines = fs.readFileSync(path.join(dataDir, `${name}.csv`), 'utf8').trim().split('\n');
  const header = lines[0];
  const rows = lines.slice(1).map((l) => {
    const cells = l.split(',');
    return { cells, label: cells[cells.length - 1] };
  });
  return { header, rows };
}

function priorEntropy(labels) {
  const counts = new Map();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / labels.length) * Math.log(c / labels.length);
  return h;
}

/** Runs the CLI; returns the run folder's metrics, diagnostics and predictions. */
function train(id, config) {
  const dir = path.join(work, id);
  fs.mkdirSync(dir, { recursive: true });
  const configPath = path.join(dir, `${id}.losslens.json`);
  fs.writeFileSync(configPath, JSON.stringify({ name: id, ...config }, null, 2));
  const out = path.join(dir, 'run');
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [cli, 'train', configPath, '--json', '--out', out], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return { id, crashed: `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const lines = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const epochs = lines.filter((l) => !('step' in l));
  const steps = lines.filter((l) => 'step' in l);
  const diagnostics = JSON.parse(fs.readFileSync(path.join(out, 'diagnostics.json'), 'utf8'));
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
  return { id, epochs, steps, diagnostics, flags: diagnostics.flags, confidenceGap: (conf - hits) / n, accuracy: hits / n, balancedAccuracy };
}

const flagText = (f) => `${f.kind}${f.kind === 'miscalibration' && f.evidence?.direction ? `(${f.evidence.direction.slice(0, 4)})` : ''}/${f.severity}@${f.epoch}`;
const serious = (f) => f.severity === 'warning' || f.severity === 'error';
const firstFlag = (run, kind) => run.flags.find((f) => f.kind === kind);

// ---------------------------------------------------------------- configs
const HEALTHY = {
  model: { hidden: [16] },
  optimizer: { type: 'adam', learningRate: 0.005 },
  training: { epochs: 100, batchSize: 32, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } },
};
/** Mean top-label confidence minus accuracy that confirms over/underconfidence: the scenario suite's 0.1 (test/scenarios). */
const CONFIDENCE_GAP = 0.1;
const dataOf = (name, extra = {}) => ({ source: path.join(dataDir, `${name}.csv`), validationSplit: 0.2, standardize: true, ...extra });

const rows = [];
const add = (table, scenario, run, o) => rows.push({ table, scenario, flags: run.crashed ? `CRASH ${run.crashed}` : run.flags.map(flagText).join(' ') || 'none', ...o });

for (const table of TABLES) {
  const { header, rows: fileRows } = readTable(table.name);
  const classes = [...new Set(fileRows.map((r) => r.label))].sort();
  const lnC = Math.log(classes.length);
  process.stderr.write(`${table.name}: ${fileRows.length} rows, ${classes.length} classes\n`);

  // 1. healthy, 3 seeds.
  for (const seed of [0, 1, 2]) {
    const run = train(`${table.name}-healthy-s${seed}`, { seed, data: dataOf(table.name), ...HEALTHY });
    if (run.crashed) { add(table.name, `healthy s${seed}`, run, { ok: false }); continue; }
    let fp = run.flags.filter(serious);
    let detail = '';
    // A class-imbalance warning says the unweighted loss costs the small classes. Checked, not
    // assumed: the same run with balanced class weights must raise the balanced accuracy (mean
    // per-class recall) by >= 0.05; then the warning is a true finding, not a false positive.
    const imbalance = fp.find((f) => f.kind === 'class-imbalance');
    if (imbalance) {
      const weighted = train(`${table.name}-healthy-s${seed}-balanced`, { seed, data: dataOf(table.name), ...HEALTHY, loss: { classWeights: 'balanced' } });
      if (!weighted.crashed && weighted.balancedAccuracy - run.balancedAccuracy >= 0.05) {
        fp = fp.filter((f) => f !== imbalance);
        detail = `class-imbalance confirmed: balanced weights raise balanced acc ${fmt(run.balancedAccuracy)} -> ${fmt(weighted.balancedAccuracy)}`;
      } else if (!weighted.crashed) {
        detail = `class-imbalance NOT confirmed: balanced acc ${fmt(run.balancedAccuracy)} -> ${fmt(weighted.balancedAccuracy)} with balanced weights`;
      }
    }
    add(table.name, `healthy s${seed}`, run, { confirmed: 'yes', fp: fp.length, ok: fp.length === 0, kind: 'healthy', detail });
  }

  // 2. overfitting (+ 4a overconfidence from the same run): big net, no early stopping, half the rows for validation.
  {
    const run = train(`${table.name}-overfit`, {
      seed: 0,
      data: dataOf(table.name, { validationSplit: 0.5 }),
      model: { hidden: [256, 256] },
      optimizer: { type: 'adam', learningRate: 0.01 },
      training: { epochs: 120, batchSize: 32, earlyStopping: false },
    });
    if (run.crashed) add(table.name, 'overfit', run, { ok: false });
    else {
      const ep = run.epochs.filter((e) => e.valLoss !== null && e.trainLoss !== null);
      const best = ep.reduce((b, e) => (e.valLoss < b.valLoss ? e : b), ep[0]);
      const end = ep[ep.length - 1];
      const why = !(end.valLoss >= 1.2 * best.valLoss) ? `val end ${fmt(end.valLoss, 3)} < 1.2x min ${fmt(best.valLoss, 3)}`
        : !(end.epoch - best.epoch >= 5) ? 'minimum at the end'
        : !(end.trainLoss < best.trainLoss) ? 'train loss did not fall' : null;
      const f = firstFlag(run, 'overfitting');
      const delay = f ? f.epoch - best.epoch : null;
      add(table.name, 'overfit', run, {
        confirmed: why ? `no (${why})` : `yes (val min @${best.epoch} ${fmt(best.valLoss, 3)} -> ${fmt(end.valLoss, 3)})`,
        detail: f ? `onset ${f.evidence.onsetEpoch} vs val min ${best.epoch}` : '',
        delay, ok: why ? null : Boolean(f && serious(f) && Math.abs(f.evidence.onsetEpoch - best.epoch) <= 3), kind: 'overfitting',
      });
      const gap = run.confidenceGap;
      const m = firstFlag(run, 'miscalibration');
      const ece = run.diagnostics.calibration?.ece;
      const okConf = gap > CONFIDENCE_GAP;
      add(table.name, 'overconfident (same run)', run, {
        confirmed: okConf ? `yes (conf-acc ${fmt(gap)}, ECE ${fmt(ece, 3)})` : `no (conf-acc ${fmt(gap)}, ECE ${fmt(ece, 3)})`,
        ok: okConf ? Boolean(m && serious(m) && m.evidence?.direction === 'overconfident') : null, kind: 'overconfident',
      });
    }
  }

  // 4b. underconfident: label smoothing 0.3 (softmax output, so it applies to binary tables too).
  {
    const run = train(`${table.name}-smoothing`, {
      seed: 0,
      data: dataOf(table.name),
      ...HEALTHY,
      model: { hidden: [16], output: 'softmax' },
      loss: { labelSmoothing: 0.3 },
    });
    if (run.crashed) add(table.name, 'underconfident (smoothing 0.3)', run, { ok: false });
    else {
      const gap = run.confidenceGap;
      const m = firstFlag(run, 'miscalibration');
      const okConf = gap < -CONFIDENCE_GAP;
      add(table.name, 'underconfident (smoothing 0.3)', run, {
        confirmed: `${okConf ? 'yes' : 'no'} (conf-acc ${fmt(gap)}, ECE ${fmt(run.diagnostics.calibration?.ece, 3)})`,
        ok: okConf ? Boolean(m && serious(m) && m.evidence?.direction === 'underconfident') : null, kind: 'underconfident',
      });
    }
  }

  // 3. exploding: sgd with a large rate on raw (unstandardized) features.
  {
    const run = train(`${table.name}-exploding`, {
      seed: 0,
      data: dataOf(table.name, { standardize: false }),
      model: { hidden: [16] },
      optimizer: { type: 'sgd', learningRate: table.explodeLr },
      training: { epochs: 10, batchSize: 32, earlyStopping: false },
    });
    if (run.crashed) add(table.name, 'exploding', run, { ok: false });
    else {
      const stepLosses = run.steps.map((s) => s.loss);
      const nonFinite = stepLosses.some((l) => l === null) || run.epochs.some((e) => e.trainLoss === null);
      const maxStep = Math.max(...stepLosses.filter((l) => l !== null));
      const spike = maxStep > 10 * lnC;
      const trainLabels = fileRows.map((r) => r.label);
      const h = priorEntropy(trainLabels);
      const tail = run.epochs.slice(-3).map((e) => e.trainLoss);
      const died = tail.every((l) => l !== null && Math.abs(l - h) < 0.1 * h);
      const f = firstFlag(run, 'exploding-loss');
      const d = firstFlag(run, 'dead-network');
      const confirmed = nonFinite || spike;
      add(table.name, 'exploding', run, {
        confirmed: confirmed ? `yes (${nonFinite ? 'non-finite' : `step loss ${fmt(maxStep, 1)} > 10 ln C`}${died ? ', loss ends at prior entropy' : ''})` : `no (max step loss ${fmt(maxStep, 2)})`,
        detail: died ? `dead-network ${d ? 'raised' : 'MISSED'}` : '',
        delay: f ? f.epoch - 1 : null,
        ok: confirmed ? Boolean(f && serious(f)) && (!died || Boolean(d)) : null, kind: 'exploding',
      });
    }
  }

  // 5. mislabeled rows: our own seeded stratified split into explicit files, 5% of training rows flipped.
  {
    const rnd = mulberry32(12345);
    const byClass = new Map(classes.map((c) => [c, []]));
    fileRows.forEach((r, i) => byClass.get(r.label).push(i));
    const isVal = new Uint8Array(fileRows.length);
    for (const idx of byClass.values()) {
      const s = shuffle([...idx], rnd);
      for (let i = 0; i < Math.round(0.2 * s.length); i++) isVal[s[i]] = 1;
    }
    const trainRows = fileRows.filter((_, i) => !isVal[i]);
    const valRows = fileRows.filter((_, i) => isVal[i]);
    const flipCount = Math.round(0.05 * trainRows.length);
    const flipped = new Set(shuffle(trainRows.map((_, i) => i), rnd).slice(0, flipCount));
    const dir = path.join(work, `${table.name}-mislabeled-data`);
    fs.mkdirSync(dir, { recursive: true });
    const writeCsv = (file, rs) => fs.writeFileSync(path.join(dir, file), [header, ...rs.map((r) => r.cells.join(','))].join('\n') + '\n');
    writeCsv('train-clean.csv', trainRows);
    writeCsv('validation.csv', valRows);
    writeCsv('train-flipped.csv', trainRows.map((r, i) => {
      if (!flipped.has(i)) return r;
      const others = classes.filter((c) => c !== r.label);
      const cells = [...r.cells];
      cells[cells.length - 1] = others[Math.floor(rnd() * others.length)];
      return { cells, label: cells[cells.length - 1] };
    }));
    const cfg = (file) => ({
      seed: 0,
      data: { train: path.join(dir, file), validation: path.join(dir, 'validation.csv'), standardize: true },
      model: { hidden: [32] },
      optimizer: { type: 'adam', learningRate: 0.005 },
      training: { epochs: 60, batchSize: 32 },
    });
    const clean = train(`${table.name}-mislabeled-clean`, cfg('train-clean.csv'));
    const run = train(`${table.name}-mislabeled`, cfg('train-flipped.csv'));
    if (run.crashed || clean.crashed) add(table.name, 'mislabeled 5%', run.crashed ? run : clean, { ok: false });
    else {
      const suspects = run.diagnostics.suspectedMislabeled ?? [];
      const tp = suspects.filter((s) => flipped.has(s.row)).length;
      const precision = suspects.length ? tp / suspects.length : null;
      const recall = tp / flipCount;
      add(table.name, 'mislabeled 5%', run, {
        confirmed: `flipped ${flipCount} of ${trainRows.length}`,
        detail: `suspects ${suspects.length} (unflipped run: ${(clean.diagnostics.suspectedMislabeled ?? []).length})`,
        precision, recall, kind: 'mislabeled',
      });
    }
  }
}

// ---------------------------------------------------------------- report
const cols = [
  ['table', (r) => r.table],
  ['scenario', (r) => r.scenario],
  ['phenomenon in metrics', (r) => r.confirmed ?? '-'],
  ['flags (kind/severity@epoch)', (r) => r.flags],
  ['delay', (r) => (r.delay === null || r.delay === undefined ? '' : String(r.delay))],
  ['FP', (r) => (r.fp === undefined ? '' : String(r.fp))],
  ['P/R', (r) => (r.recall === undefined ? '' : `${fmt(r.precision)}/${fmt(r.recall)}`)],
  ['verdict', (r) => (r.ok === true ? 'ok' : r.ok === false ? 'FAIL' : r.ok === null ? 'n/a' : '')],
  ['note', (r) => r.detail ?? ''],
];
const widths = cols.map(([h, f]) => Math.min(90, Math.max(h.length, ...rows.map((r) => f(r).length))));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
console.log(line(cols.map(([h]) => h)));
for (const r of rows) console.log(line(cols.map(([, f]) => f(r))));

const of = (kind) => rows.filter((r) => r.kind === kind);
const healthy = of('healthy');
const fpRuns = healthy.filter((r) => r.fp > 0).length;
const summarize = (kind) => {
  const all = of(kind);
  const confirmed = all.filter((r) => r.ok !== null);
  return `${kind} ${confirmed.filter((r) => r.ok).length}/${confirmed.length} confirmed runs flagged right`;
};
const delays = of('overfitting').filter((r) => r.ok !== null && r.delay !== null).map((r) => r.delay);
const mis = of('mislabeled');
const meanOf = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const crashes = rows.filter((r) => r.flags.startsWith('CRASH')).length;
console.log(
  `\nSummary: healthy runs with a warning/error ${fpRuns}/${healthy.length}; ${summarize('overfitting')} (delay median ${fmt(median(delays), 1)}, max ${delays.length ? Math.max(...delays) : '-'}); ` +
    `${summarize('exploding')}; ${summarize('overconfident')}; ${summarize('underconfident')}; ` +
    `mislabeled mean precision ${fmt(meanOf(mis.map((r) => r.precision ?? 0)))}, recall ${fmt(meanOf(mis.map((r) => r.recall)))}; crashes ${crashes}.`,
);
console.log(`Run folders: ${work}`);
