/**
 * Predictions of a model trained elsewhere, in the run folder's predictions.csv format (see the
 * README): a `label` column (the class name), one `p:<class>` column per class with its
 * probability, optionally a row id (`row` or `id`) and an `epoch` column; or one file per epoch
 * (predictions-epoch3.csv). Read into the SplitOutputs the calibration (ECE, reliability,
 * temperature) and the mislabeled-row diagnostics take.
 */
import type { SplitOutputs } from '../model';
import { LogError } from './errors';
import { splitCsvLine } from './lineStream';

export interface PredictionGroup {
  /** The epoch the predictions are from (its column, or the file name), undefined for the final model. */
  readonly epoch?: number;
  readonly outputs: SplitOutputs;
  /** The rows' ids as written, when the file has a `row` or `id` column. */
  readonly rowIds?: readonly string[];
}

export interface Predictions {
  readonly classes: readonly string[];
  /** In epoch order; the last is the latest model's. */
  readonly groups: readonly PredictionGroup[];
  readonly notes: readonly string[];
}

/** A probability row may be off from summing to 1 by this much (rounded CSV output) before a note says so. */
const SUM_TOLERANCE = 1e-3;
const ID_COLUMNS = ['row', 'id', 'row_id'];

/** The epoch a file name gives (predictions-epoch3.csv, predictions_12.csv), if any. */
/** The smallest probability taken as written (see parsePredictions). */
const PROBABILITY_FLOOR = 1e-12;

export function epochFromName(baseName: string): number | undefined {
  const m = /(\d+)\.csv$/i.exec(baseName);
  return m ? Number(m[1]) : undefined;
}

export function parsePredictions(text: string, file: string, fileEpoch?: number): Predictions {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const labelCol = header.indexOf('label');
  const probCols = header.map((h, i) => (h.startsWith('p:') ? i : -1)).filter((i) => i >= 0);
  if (labelCol < 0 || probCols.length < 2) throw new LogError('expected a header with a "label" column and a "p:<class>" column per class (at least two)', file, 1);
  const classes = probCols.map((i) => header[i]!.slice(2));
  const idCol = header.findIndex((h) => ID_COLUMNS.includes(h));
  const epochCol = header.indexOf('epoch');
  const groups = new Map<number | undefined, { labels: number[]; probs: number[]; ids: string[] }>();
  let offSum = 0;
  for (let r = 1; r < lines.length; r++) {
    const line = lines[r]!;
    if (!line.trim()) continue;
    const fields = splitCsvLine(line);
    if (fields.length !== header.length) throw new LogError(`expected ${header.length} fields as in the header, found ${fields.length}`, file, r + 1);
    const label = classes.indexOf(fields[labelCol]!);
    if (label < 0) throw new LogError(`column "label": "${fields[labelCol]!.slice(0, 60)}" is not one of the classes of the p: columns (${classes.slice(0, 10).join(', ')})`, file, r + 1);
    const epoch = epochCol >= 0 ? Number(fields[epochCol]) : fileEpoch;
    if (epoch !== undefined && !Number.isFinite(epoch)) throw new LogError(`column "epoch": "${fields[epochCol]!.slice(0, 30)}" is not a number`, file, r + 1);
    let g = groups.get(epoch);
    if (!g) groups.set(epoch, (g = { labels: [], probs: [], ids: [] }));
    let sum = 0;
    for (const i of probCols) {
      const p = Number(fields[i]);
      if (!(p >= 0 && p <= 1)) throw new LogError(`column "${header[i]}": "${fields[i]!.slice(0, 30)}" is not a probability in [0, 1]`, file, r + 1);
      g.probs.push(p);
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) offSum++;
    g.labels.push(label);
    if (idCol >= 0) g.ids.push(fields[idCol]!);
  }
  const notes = offSum ? [`${file}: ${offSum} row${offSum === 1 ? '' : 's'} whose probabilities do not sum to 1 (within ${SUM_TOLERANCE}): read as given`] : [];
  const c = classes.length;
  const sorted = [...groups.entries()].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity));
  return {
    classes,
    notes,
    groups: sorted.map(([epoch, g]) => {
      const rows = g.labels.length;
      const probabilities = Float32Array.from(g.probs);
      // Log-probabilities as logits: softmax gives the probabilities back, which is all the temperature
      // fit needs. A written 0 (float32 underflow) is taken as 1e-12: the mislabeled-row margins are
      // differences of these, and one epoch's -744 (log of the smallest double) would outweigh all the others.
      const logits = probabilities.map((p) => Math.log(Math.max(p, PROBABILITY_FLOOR)));
      const outputs: SplitOutputs = { output: 'softmax', classes: c, rows, logits, probabilities, labels: Int32Array.from(g.labels) };
      return { ...(epoch !== undefined ? { epoch } : {}), outputs, ...(idCol >= 0 ? { rowIds: g.ids } : {}) };
    }),
  };
}
