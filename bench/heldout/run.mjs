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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUnless, fmt, median, priorEntropy, readTable as readCsv, serious, shuffle, stratified, trainWithCli, writeTable } from '../cliRuns.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.join(here, 'data');
const work = process.env.LOSSLENS_HELDOUT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-heldout-'));

buildUnless('LOSSLENS_HELDOUT_NOBUILD');

/** Tables: which exploding rate to use (raw features of very different sizes explode sooner). */
const TABLES = [
  { name: 'seattle-weather', explodeLr: 1 },
  { name: 'cars', explodeLr: 0.1 },
  { name: 'fair-affairs', explodeLr: 1 },
  { name: 'anes96-vote', explodeLr: 0.1 },
  { name: 'modechoice', explodeLr: 0.1 },
  { name: 'randhie-visit', explodeLr: 1 },
].filter((t) => !process.env.LOSSLENS_HELDOUT_ONLY || process.env.LOSSLENS_HELDOUT_ONLY.split(',').includes(t.name));

const readTable = (name) => readCsv(path.join(dataDir, `${name}.csv`));
const train = (id, config) => trainWithCli(work, id, config);

const flagText = (f) => `${f.kind}${f.kind === 'miscalibration' && f.evidence?.direction ? `(${f.evidence.direction.slice(0, 4)})` : ''}/${f.severity}@${f.epoch}`;
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
    const { first: valIdx, rest: trainIdx, rnd } = stratified(fileRows, 12345, (n) => Math.round(0.2 * n), classes);
    const trainRows = trainIdx.map((i) => fileRows[i]);
    const valRows = valIdx.map((i) => fileRows[i]);
    const flipCount = Math.round(0.05 * trainRows.length);
    const flipped = new Set(shuffle(trainRows.map((_, i) => i), rnd).slice(0, flipCount));
    const dir = path.join(work, `${table.name}-mislabeled-data`);
    fs.mkdirSync(dir, { recursive: true });
    const writeCsv = (file, rs) => writeTable(path.join(dir, file), header, rs);
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
