/**
 * A table in typed column storage, filled while the CSV streams through: numeric columns as
 * Float64Array (NaN = missing), text columns as Int32Array codes into a dictionary (-1 = missing).
 * The file's text is never held whole; memory is ~8 bytes per numeric cell and 4 per text cell.
 *
 * Type inference: a column is numeric while every non-missing value is a plain decimal number
 * (values.ts); the first other value turns it into text for good.
 */
import { SHOWN, type Quoting } from '../text/quote';
import { ChunkedArray } from './chunkedArray';
import { forEachCsvRecord, type CsvSource } from './csvRecords';
import { DataError } from './dataset';
import { FLOAT32_RANGE, overflowsFloat32 } from '../engine/float32';
import { isMissing, parseNumber, unusableNumber } from './values';

export type Column =
  | { readonly name: string; readonly kind: 'numeric'; readonly values: Float64Array }
  | { readonly name: string; readonly kind: 'text'; readonly codes: Int32Array; readonly dictionary: readonly string[] };

export interface ColumnTable {
  /** The file's name in messages (path as written, bundled name, or synthetic spec). */
  readonly file: string;
  readonly columns: readonly Column[];
  readonly rows: number;
  /** How messages quote the file's contents (withheld for a file outside the workspace); default shown. */
  readonly quoting?: Quoting;
}

export function quotingOf(table: ColumnTable): Quoting {
  return table.quoting ?? SHOWN;
}

/**
 * The 1-based spreadsheet row of a 0-based data row (header = row 1). Blank lines are skipped by
 * the reader and do not count, as in the messages of csvRecords.ts.
 */
export function spreadsheetRow(dataRow: number): number {
  return dataRow + 2;
}

export interface ReadColumnsOptions {
  /**
   * Called with the header before any data row; returns the names of columns to keep as text
   * whatever they hold (the target; columns that are categorical in the training file). May throw.
   */
  readonly onHeader?: (header: readonly string[]) => ReadonlySet<string> | void;
}

export async function readColumnTable(source: CsvSource, options: ReadColumnsOptions = {}): Promise<ColumnTable> {
  let builders: ColumnBuilder[] = [];
  let rows = 0;
  await forEachCsvRecord(
    source,
    (header) => {
      const text = options.onHeader?.(header) ?? new Set<string>();
      builders = header.map((name) => new ColumnBuilder(name, text.has(name)));
    },
    (fields) => {
      for (let c = 0; c < builders.length; c++) builders[c]!.push(fields[c]!);
      rows++;
    },
  );
  const quoting = source.quoting ?? SHOWN;
  const columns = builders.map((b) => b.finish(source.displayName, quoting));
  return { file: source.displayName, columns, rows, quoting };
}

/**
 * How many distinct spellings of numbers a numeric column remembers, so that if it turns out to be
 * text after all ("3", "3.0", ..., "abc") its earlier values keep the spelling they had in the file.
 * Beyond this many, a number's text falls back to JavaScript's shortest form; such a column would
 * have more categories than any one-hot encoding can use anyway.
 */
const MAX_REMEMBERED_SPELLINGS = 4096;

class ColumnBuilder {
  private numbers: ChunkedArray<Float64Array> | null;
  private codes: ChunkedArray<Int32Array> | null;
  private readonly codeOf = new Map<string, number>();
  private readonly dictionary: string[] = [];
  private spellings: Map<number, string> | null = new Map();
  /** The first value that spells a number beyond float32 (refused if the column stays numeric). */
  private unusable: { readonly value: string; readonly row: number } | undefined;

  constructor(
    private readonly name: string,
    asText: boolean,
  ) {
    this.numbers = asText ? null : new ChunkedArray((n) => new Float64Array(n));
    this.codes = asText ? new ChunkedArray((n) => new Int32Array(n)) : null;
  }

  push(raw: string): void {
    const value = raw.trim();
    if (this.numbers !== null) {
      if (isMissing(value)) return this.numbers.push(NaN);
      let n = parseNumber(value);
      if (n === undefined || overflowsFloat32(n)) {
        // An infinity or a number past float32: kept (with its spelling) in case the column turns
        // out to be text, refused by finish() if it stays numeric.
        n = unusableNumber(value) ?? n;
        if (n !== undefined && this.unusable === undefined) this.unusable = { value, row: this.numbers.length };
      }
      if (n !== undefined) {
        if (this.spellings && !this.spellings.has(n)) {
          if (this.spellings.size >= MAX_REMEMBERED_SPELLINGS) this.spellings = null;
          else this.spellings.set(n, value);
        }
        return this.numbers.push(n);
      }
      this.becomeText(this.numbers);
    }
    this.codes!.push(isMissing(value) ? -1 : this.code(value));
  }

  /** The finished column; the builder's storage is handed over (or released) as it goes. */
  finish(file: string, quoting: Quoting): Column {
    if (this.numbers !== null) {
      if (this.unusable !== undefined) throw beyondFloat32(file, this.name, spreadsheetRow(this.unusable.row), quoting.quote(this.unusable.value), quoting);
      return { name: this.name, kind: 'numeric', values: this.numbers.toArray() };
    }
    return { name: this.name, kind: 'text', codes: this.codes!.toArray(), dictionary: this.dictionary };
  }

  private code(value: string): number {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.dictionary.length;
      this.codeOf.set(value, code);
      this.dictionary.push(value);
    }
    return code;
  }

  private becomeText(numbers: ChunkedArray<Float64Array>): void {
    const codes = new ChunkedArray((n) => new Int32Array(n));
    numbers.forEach((v) => codes.push(Number.isNaN(v) ? -1 : this.code(this.spellings?.get(v) ?? String(v))));
    this.codes = codes;
    this.numbers = null;
    this.spellings = null;
  }
}

/** A numeric value the engine's float32 cannot hold, named with its file, row and column. */
export function beyondFloat32(file: string, column: string, row: number, what: string, quoting: Quoting): DataError {
  return new DataError(
    `${file}, row ${row}, column ${quoting.quote(column)}: ${what} is beyond the float32 range training computes in (${FLOAT32_RANGE})` +
      '; rescale the column (e.g. take its logarithm) or leave the field empty if it means "missing"',
    file,
    row,
    column,
  );
}
