/** A small CSV table for metric logs: header + rows of strings, tokenized by csv-parse (RFC 4180). */
import { parse } from 'csv-parse/sync';
import { LogError } from './errors';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

type Parsed = { record: string[]; info: { lines: number } };

export function parseCsvTable(text: string, file: string): CsvTable {
  let parsed: Parsed[];
  try {
    parsed = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as Parsed[];
  } catch (e) {
    // An unclosed quote at the very end is a line still being written: read what came before it.
    const line = (e as { lines?: number }).lines;
    if (line === undefined) throw new LogError(`not a CSV file (${(e as Error).message})`, file);
    const lines = text.split(/\r?\n/);
    const before = lines.slice(0, Math.max(1, line - 1)).join('\n');
    if (before.length === text.length) throw new LogError(`not a CSV file (${(e as Error).message})`, file, line);
    return parseCsvTable(before, file);
  }
  const header = (parsed[0]?.record ?? []).map((h) => h.trim());
  const rows: string[][] = [];
  for (let i = 1; i < parsed.length; i++) {
    const { record, info } = parsed[i]!;
    // The last line of a log that is still being written may be cut short: skip it.
    if (record.length !== header.length) {
      if (i === parsed.length - 1) break;
      throw new LogError(`expected ${header.length} fields as in the header, found ${record.length}`, file, info.lines);
    }
    rows.push(record);
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
