/** A small CSV table for metric logs (no newlines inside fields): header + rows of strings. */
import { splitCsvLine } from '../run/readRunFolder';
import { LogError } from './errors';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function parseCsvTable(text: string, file: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    const fields = splitCsvLine(lines[i]!);
    // The last line of a log that is still being written may be cut short: skip it.
    if (fields.length !== header.length) {
      if (i === lines.length - 1 || lines.slice(i + 1).every((l) => !l.trim())) break;
      throw new LogError(`expected ${header.length} fields as in the header, found ${fields.length}`, file, i + 1);
    }
    rows.push(fields);
  }
  return { header, rows };
}

/**
 * A metric cell: empty (or no such column) is `undefined`, "not recorded"; Python's nan/inf
 * spellings are values that were recorded and were not finite.
 */
export function metricValue(cell: string | undefined): number | undefined {
  const s = (cell ?? '').trim().toLowerCase();
  if (!s) return undefined;
  if (s === 'nan') return NaN;
  if (s === 'inf' || s === '+inf' || s === 'infinity') return Infinity;
  if (s === '-inf' || s === '-infinity') return -Infinity;
  const v = Number(s);
  return Number.isNaN(v) ? NaN : v;
}

/** The first of `names` present in the header (metric names differ between projects). */
export function findColumn(header: readonly string[], names: readonly string[]): number {
  for (const name of names) {
    const i = header.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}
