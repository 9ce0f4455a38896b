/**
 * Turning columns into features, fitted on training rows only and then applied to any rows:
 * - numeric: z = (v - mean) / std with the training mean and population std (ddof = 0, as
 *   sklearn's StandardScaler); a constant column gets std 1 (sklearn's scale_ rule), so it maps to 0.
 *   Without standardization mean = 0 and std = 1 are recorded, so (v - mean) / std is always right.
 * - categorical: one-hot over the training categories sorted by text (docs/config.md); a category
 *   never seen in training encodes as all zeros and is counted for a note.
 * With `missing: "impute"`, a numeric gap takes the training mean and a categorical one the most
 * frequent training value (ties: the first by text). Imputation happens before the standardization
 * statistics are taken, as in sklearn's Pipeline([SimpleImputer(), StandardScaler()]).
 */
import { SHOWN, type Quoting } from '../text/quote';
import { beyondFloat32, spreadsheetRow, type Column } from './columns';
import { DataError } from './dataset';
import type { ColumnEncoding } from '../engine/trainingData';
import { overflowsFloat32 } from '../engine/float32';
import { compareText, parseNumber } from './values';

export function isMissingAt(column: Column, row: number): boolean {
  return column.kind === 'numeric' ? Number.isNaN(column.values[row]!) : column.codes[row]! < 0;
}

export interface FitOptions {
  readonly standardize: boolean;
  readonly impute: boolean;
  /** For messages: the training file's name, and how its contents are quoted. */
  readonly file: string;
  readonly quoting?: Quoting;
}

/** Fits one column's encoding on the training rows `rows` (data-row indices). */
export function fitEncoding(column: Column, rows: Int32Array, options: FitOptions): ColumnEncoding {
  return column.kind === 'numeric' ? fitNumeric(column.name, column.values, rows, options) : fitCategorical(column, rows, options);
}

function fitNumeric(name: string, values: Float64Array, rows: Int32Array, options: FitOptions): ColumnEncoding {
  let sum = 0;
  let present = 0;
  for (const r of rows) {
    const v = values[r]!;
    if (!Number.isNaN(v)) {
      sum += v;
      present++;
    }
  }
  if (present === 0) throw noValues(name, options.file, options.quoting ?? SHOWN);
  const observedMean = sum / present;
  const impute = options.impute ? observedMean : undefined;
  if (!options.standardize) return { name, kind: 'numeric', mean: 0, std: 1, ...(impute !== undefined && { impute }) };
  // Statistics over the imputed column: imputed rows sit at the mean, adding no deviation but
  // counting in n (sklearn's pipeline). Two passes for accuracy.
  const n = options.impute ? rows.length : present;
  let squares = 0;
  for (const r of rows) {
    const v = values[r]!;
    if (!Number.isNaN(v)) squares += (v - observedMean) * (v - observedMean);
  }
  const std = Math.sqrt(squares / n);
  return { name, kind: 'numeric', mean: observedMean, std: std > 0 ? std : 1, ...(impute !== undefined && { impute }) };
}

function fitCategorical(column: Column & { kind: 'text' }, rows: Int32Array, options: FitOptions): ColumnEncoding {
  const counts = new Int32Array(column.dictionary.length);
  for (const r of rows) {
    const code = column.codes[r]!;
    if (code >= 0) counts[code]!++;
  }
  const countOf = new Map<string, number>();
  column.dictionary.forEach((category, code) => counts[code]! > 0 && countOf.set(category, counts[code]!));
  const categories = [...countOf.keys()].sort(compareText);
  if (categories.length === 0) throw noValues(column.name, options.file, options.quoting ?? SHOWN);
  if (!options.impute) return { name: column.name, kind: 'categorical', categories };
  let impute = categories[0]!;
  let best = -1;
  for (const category of categories) {
    const count = countOf.get(category)!;
    if (count > best) {
      best = count; // strict: on a tie the earlier (smaller by text) category stays
      impute = category;
    }
  }
  return { name: column.name, kind: 'categorical', categories, impute };
}

function noValues(name: string, file: string, quoting: Quoting): DataError {
  return new DataError(`${file}: column ${quoting.quote(name)} has no value in the training rows; remove the column or fill it in`, file, undefined, name);
}

export function encodingWidth(encoding: ColumnEncoding): number {
  return encoding.kind === 'numeric' ? 1 : encoding.categories.length;
}

/** Feature names after encoding: the column name, or `column=category` per one-hot feature. */
export function encodingFeatureNames(encoding: ColumnEncoding): string[] {
  return encoding.kind === 'numeric' ? [encoding.name] : encoding.categories.map((c) => `${encoding.name}=${c}`);
}

export interface EncodeTarget {
  /** Row-major [rows.length][featureCount]. */
  readonly x: Float32Array;
  readonly featureCount: number;
  /** First feature index of this column. */
  readonly offset: number;
  /** For messages: the file the rows come from, and how its contents are quoted. */
  readonly file: string;
  readonly quoting?: Quoting;
  /** Receives categories not seen in training, with how many rows had them. */
  readonly unseen: Map<string, number>;
}

/** Writes the encoded features of `column` for the data rows `rows` into `target.x`. */
export function encodeColumn(encoding: ColumnEncoding, column: Column, rows: Int32Array, target: EncodeTarget): void {
  const { x, featureCount, offset } = target;
  const quoting = target.quoting ?? SHOWN;
  if (encoding.kind === 'numeric') {
    const values = column.kind === 'numeric' ? column.values : numbersOfText(column, rows, target.file, quoting);
    const fill = encoding.impute ?? NaN;
    rows.forEach((r, i) => {
      let v = values[r]!;
      if (Number.isNaN(v)) {
        if (Number.isNaN(fill)) throw unexpectedMissing(target.file, r, column.name, quoting);
        v = fill;
      }
      const z = (v - encoding.mean) / encoding.std;
      // A value far outside the training spread (a tiny training std) can standardize past float32.
      if (overflowsFloat32(z)) throw standardizedBeyondFloat32(target.file, r, column.name, v, encoding, quoting);
      x[i * featureCount + offset] = z;
    });
    return;
  }
  const indexOf = new Map(encoding.categories.map((c, k) => [c, k]));
  const imputed = encoding.impute !== undefined ? indexOf.get(encoding.impute)! : -1;
  // Category index per code of this column's dictionary (-1: unseen in training).
  const text = column.kind === 'text' ? column : null;
  rows.forEach((r, i) => {
    let value: string | undefined;
    if (text) value = text.codes[r]! >= 0 ? text.dictionary[text.codes[r]!] : undefined;
    else if (column.kind === 'numeric' && !Number.isNaN(column.values[r]!)) value = String(column.values[r]);
    let k: number;
    if (value === undefined) {
      if (imputed < 0) throw unexpectedMissing(target.file, r, column.name, quoting);
      k = imputed;
    } else {
      k = indexOf.get(value) ?? -1;
      if (k < 0) target.unseen.set(value, (target.unseen.get(value) ?? 0) + 1);
    }
    if (k >= 0) x[i * featureCount + offset + k] = 1;
  });
}

/**
 * A column numeric in training but read as text elsewhere (a validation file): its values as
 * numbers, or an error at the first one that is not a number.
 */
function numbersOfText(column: Column & { kind: 'text' }, rows: Int32Array, file: string, quoting: Quoting): Float64Array {
  const asNumber = column.dictionary.map((s) => parseNumber(s));
  const values = new Float64Array(column.codes.length).fill(NaN);
  for (const r of rows) {
    const code = column.codes[r]!;
    if (code < 0) continue;
    const v = asNumber[code];
    if (v === undefined) {
      throw new DataError(
        `${file}, row ${spreadsheetRow(r)}, column ${quoting.quote(column.name)}: ${quoting.quote(column.dictionary[code]!)} is not a number, but the column is numeric in the training data`,
        file,
        spreadsheetRow(r),
        column.name,
      );
    }
    values[r] = v;
  }
  return values;
}

function unexpectedMissing(file: string, row: number, column: string, quoting: Quoting): DataError {
  return new DataError(`${file}, row ${spreadsheetRow(row)}: missing value in column ${quoting.quote(column)}`, file, spreadsheetRow(row), column);
}

function standardizedBeyondFloat32(file: string, row: number, column: string, v: number, encoding: { mean: number; std: number }, quoting: Quoting): DataError {
  const short = (n: number): number => Number(n.toPrecision(6));
  const what = quoting.shown ? `${v} standardized with the training mean ${short(encoding.mean)} and standard deviation ${short(encoding.std)}` : 'a value standardized with the training mean and standard deviation';
  return beyondFloat32(file, column, spreadsheetRow(row), what, quoting);
}
