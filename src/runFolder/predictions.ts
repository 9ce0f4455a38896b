/**
 * predictions.csv (docs/run-folder.md): the validation rows in order, column `label` (class name)
 * then one `p:<class>` column per class. Probabilities use 9 significant digits, enough to
 * round-trip a float32 exactly (FLT_DECIMAL_DIG = 9), above the documented minimum of 7.
 */
import { parse } from 'csv-parse/sync';
import type { SplitOutputs } from '../model';
import { RunFolderError } from './errors';

export const PROBABILITY_DIGITS = 9;

/** RFC 4180: quote a field holding a comma, a quote, CR or LF (or leading/trailing space); double inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '';
  return p === 0 ? '0' : p.toPrecision(PROBABILITY_DIGITS);
}

export function predictionsCsv(classes: readonly string[], outputs: SplitOutputs): string {
  const c = classes.length;
  const lines = [['label', ...classes.map((name) => `p:${name}`)].map(csvField).join(',')];
  for (let r = 0; r < outputs.rows; r++) {
    const fields = [csvField(classes[outputs.labels[r]!] ?? String(outputs.labels[r]))];
    for (let k = 0; k < c; k++) fields.push(formatProbability(outputs.probabilities[r * c + k]!));
    lines.push(fields.join(','));
  }
  return lines.join('\n') + '\n';
}

export interface PredictionsTable {
  readonly classes: string[];
  readonly labels: string[];
  /** [rows][classes]. */
  readonly probabilities: number[][];
}

/** The class names of a predictions.csv header (`label,p:<class>,...`), or undefined if it is not one. */
export function predictionClasses(headerLine: string): string[] | undefined {
  const [header] = parse(headerLine, { relax_column_count: true, to_line: 1 }) as string[][];
  if (!header || header[0] !== 'label' || header.slice(1).some((h) => !h.startsWith('p:'))) return undefined;
  return header.slice(1).map((h) => h.slice(2));
}

export function parsePredictionsCsv(text: string, file: string): PredictionsTable {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (e) {
    throw new RunFolderError(`not a CSV file (${(e as Error).message})`, file);
  }
  const header = records[0] ?? [];
  if (header[0] !== 'label' || header.slice(1).some((h) => !h.startsWith('p:'))) throw new RunFolderError('expected a header "label,p:<class>,..."', file, 1);
  const classes = header.slice(1).map((h) => h.slice(2));
  const labels: string[] = [];
  const probabilities: number[][] = [];
  records.slice(1).forEach((fields, i) => {
    if (fields.length !== header.length) throw new RunFolderError(`expected ${header.length} fields, found ${fields.length}`, file, i + 2);
    labels.push(fields[0]!);
    probabilities.push(fields.slice(1).map((f) => (f === '' ? NaN : Number(f))));
  });
  return { classes, labels, probabilities };
}

/**
 * predictions.csv as validation outputs: probabilities as written; logits are log-probabilities,
 * which softmax maps back to the same probabilities (the temperature fit only needs that).
 * Undefined when the table cannot be outputs (no rows, one class, a label that is not a class).
 */
export function predictionsToOutputs(table: PredictionsTable): SplitOutputs | undefined {
  const c = table.classes.length;
  const rows = table.labels.length;
  if (!rows || c < 2) return undefined;
  const probabilities = new Float32Array(rows * c);
  const logits = new Float32Array(rows * c);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const label = table.classes.indexOf(table.labels[r]!);
    if (label < 0) return undefined;
    labels[r] = label;
    for (let k = 0; k < c; k++) {
      const p = table.probabilities[r]![k]!;
      probabilities[r * c + k] = p;
      logits[r * c + k] = Math.log(Math.max(p, Number.MIN_VALUE));
    }
  }
  return { output: 'softmax', classes: c, rows, logits, probabilities, labels };
}
