/**
 * Streaming CSV reading on top of `csv-parse`, which implements RFC 4180 (quoted fields with
 * commas, doubled quotes and embedded newlines), strips a UTF-8 BOM and accepts CRLF or LF. A file
 * whose header line has tabs and no comma is read as tab-separated (see `sniffDelimiter`).
 *
 * Records are handed to a synchronous callback one at a time while the file streams through, so
 * memory stays bounded by one record (capped at MAX_RECORD_CHARS) plus whatever the caller keeps.
 * Rows are numbered as a spreadsheet does: 1-based, the header is row 1, empty lines are skipped
 * and do not count.
 */
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'csv-parse';
import { DataError } from './dataset';

/**
 * The largest single record (row) accepted, in characters. A real row is far smaller (a row of
 * 100 000 twelve-character values is 1.3 M); a record this big almost always means an unclosed
 * quote swallowing the rest of the file, and the cap keeps that from eating memory.
 */
export const MAX_RECORD_CHARS = 8 << 20;

/**
 * Bytes read per chunk. csv-parse turns a whole chunk into records before the consumer sees them,
 * so the chunk size bounds that burst: on a 200 MB file, 64 KiB peaked at 444 MB RSS and 1 MiB at
 * 523 MB for the same CPU time (measured with test/unit/data/largeCsvCheck.ts-like runs).
 */
const READ_CHUNK_BYTES = 1 << 16;

/** Where a record sits in its file: `row` counts records (header = 1), `line` is the physical line it ends on. */
export interface RecordPosition {
  readonly row: number;
  readonly line: number;
}

export interface CsvSource {
  /** Absolute (or cwd-relative) path to open. */
  readonly path: string;
  /** The name used in messages: the path as the user wrote it, or a bundled dataset's name. */
  readonly displayName: string;
}

/** `where` for messages: "row 7" or "row 7 (line 9)" when the two differ. */
export function describePosition(pos: RecordPosition): string {
  return pos.line === pos.row ? `row ${pos.row}` : `row ${pos.row} (line ${pos.line})`;
}

/**
 * Streams the records of a CSV file. `onHeader` receives the first record (trimmed, checked for
 * empty and duplicate names); `onRecord` every following one whose field count matches the header.
 * Throwing from a callback stops the stream and rejects with that error.
 */
export async function forEachCsvRecord(
  source: CsvSource,
  onHeader: (header: readonly string[]) => void,
  onRecord: (fields: readonly string[], pos: RecordPosition) => void,
  maxRecordChars: number = MAX_RECORD_CHARS,
): Promise<void> {
  const handle = await openRegularFile(source);
  let header: string[] | undefined;
  let row = 0;
  let delimiter: string;
  try {
    delimiter = await sniffDelimiter(handle);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw new DataError(`Cannot read data file ${source.displayName}: ${describeFsError(err)}`, source.displayName);
  }
  const parser = new LineTaggingParser({
    bom: true,
    delimiter,
    // We check field counts ourselves to name the row and both counts in the message.
    relax_column_count: true,
    // Accept a stray quote inside an unquoted field (`5'3"`), common in hand-made tables.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: maxRecordChars,
  });
  const consumer = new Writable({
    objectMode: true,
    write(chunk: TaggedRecord, _encoding, done) {
      try {
        const fields = chunk.fields;
        // A line of only spaces is an empty line, not a one-field record.
        if (fields.length === 1 && fields[0]!.trim() === '') return done();
        row++;
        const pos = { row, line: chunk.line };
        if (header === undefined) {
          header = checkHeader(fields, source.displayName);
          onHeader(header);
        } else if (fields.length !== header.length) {
          throw new DataError(
            `${source.displayName}, ${describePosition(pos)}: expected ${header.length} fields as in the header, found ${fields.length}`,
            source.displayName,
            row,
          );
        } else {
          onRecord(fields, pos);
        }
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  try {
    await pipeline(handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), parser, consumer);
  } catch (err) {
    throw toDataError(err, source, row, maxRecordChars);
  } finally {
    await handle.close().catch(() => undefined);
  }
  if (header === undefined) throw new DataError(`${source.displayName} is empty: expected a header row and data rows`, source.displayName);
}

/** Bytes looked at to find the header line's separator. */
const SNIFF_BYTES = 1 << 16;

/**
 * The field separator: a comma, unless the header line has none but has tabs (a TSV file, as
 * pandas' `to_csv(sep="\t")`, R's `write.table` and statsmodels' datasets write them). Tabs never
 * occur in a comma-separated header by accident, so the guess cannot misread a real CSV. Semicolons
 * are NOT guessed: a semicolon file usually comes with decimal commas (a European spreadsheet
 * export), which would silently read as text; `checkHeader` names it instead.
 */
async function sniffDelimiter(handle: fsp.FileHandle): Promise<string> {
  const buffer = Buffer.alloc(SNIFF_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
  const text = buffer.subarray(0, bytesRead).toString('utf8');
  const end = text.indexOf('\n');
  const firstLine = end >= 0 ? text.slice(0, end) : text;
  return !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ',';
}

interface TaggedRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * csv-parse's Parser, with each record tagged by the line it ends on. csv-parse pushes a record
 * synchronously as it finishes it, so `info.lines` is exact at that moment. Its own `info: true`
 * option gives the same number but copies the whole info object twice per record, ~10% of the
 * parsing time on digits.csv.
 */
class LineTaggingParser extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    return super.push({ fields: record as string[], line: this.info.lines } satisfies TaggedRecord, encoding);
  }
}

/** Thrown from a callback to stop streaming early (not an error: the caller has what it needs). */
class StopReading extends Error {}

/** The header of a CSV file (checked as `forEachCsvRecord` checks it), without reading its rows. */
export async function readCsvHeader(path: string, displayName: string = path): Promise<readonly string[]> {
  let header: readonly string[] = [];
  try {
    await forEachCsvRecord({ path, displayName }, (h) => {
      header = h;
      throw new StopReading();
    }, () => undefined);
  } catch (err) {
    if (!(err instanceof StopReading)) throw err;
  }
  return header;
}

/** A whole CSV held as strings: for small files (logs, predictions). Large tables go through `forEachCsvRecord`. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Reads a small CSV file completely. `displayName` defaults to the path. */
export async function readCsvTable(path: string, displayName: string = path, maxRecordChars: number = MAX_RECORD_CHARS): Promise<CsvTable> {
  const rows: string[][] = [];
  let header: readonly string[] = [];
  await forEachCsvRecord(
    { path, displayName },
    (h) => (header = h),
    (fields) => rows.push(fields.slice()),
    maxRecordChars,
  );
  return { header, rows };
}

/**
 * Opens a file for reading only if it is a regular file. O_NONBLOCK makes opening a FIFO return at
 * once instead of waiting for a writer (a hang would be a defect); fstat on the open descriptor
 * then rejects FIFOs, devices and directories without a race between check and open.
 */
async function openRegularFile(source: CsvSource): Promise<fsp.FileHandle> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(source.path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw new DataError(`Cannot read data file ${source.displayName}: ${describeFsError(err)}`, source.displayName);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a pipe' : stat.isSocket() ? 'a socket' : 'a device';
      throw new DataError(`Cannot read data file ${source.displayName}: it is ${kind}, not a regular file`, source.displayName);
    }
    return handle;
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err instanceof DataError ? err : new DataError(`Cannot read data file ${source.displayName}: ${describeFsError(err)}`, source.displayName);
  }
}

function checkHeader(fields: readonly string[], file: string): string[] {
  // NUL or U+FFFD (invalid UTF-8) in the first row: a spreadsheet, an archive or UTF-16 text.
  if (fields.some((f) => /[\u0000\uFFFD]/.test(f))) {
    throw new DataError(`${file} does not look like a UTF-8 CSV text file (binary content in the first row; an .xlsx, a compressed file, or UTF-16 text?)`, file);
  }
  const names = fields.map((f) => f.trim());
  if (names.length === 1) {
    // A single-name header with spaces between several names: a whitespace-separated table (R, Stata exports).
    const spaced = /\S\s+\S/.test(names[0]!) && names[0]!.split(/\s+/).length >= 3 ? ' ' : undefined;
    const separator = [';', '|'].find((s) => names[0]!.includes(s)) ?? spaced;
    if (separator !== undefined) {
      const hint = separator === ';' ? ' (a spreadsheet saved in a locale with decimal commas? save it as CSV with commas and decimal points)' : '';
      throw new DataError(
        `${file}, row 1: the header is one column containing ${JSON.stringify(separator)}: it looks ${JSON.stringify(separator)}-separated, but data files must be comma-separated (or tab-separated)${hint}`,
        file,
        1,
      );
    }
  }
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') {
      // pandas' DataFrame.to_csv writes its index as a first column with an empty name.
      const hint = i === 0 ? ' (a pandas index? write the file with to_csv(index=False))' : i === names.length - 1 ? ' (a trailing comma?)' : '';
      throw new DataError(`${file}, row 1: column ${i + 1} of the header has no name${hint}`, file, 1);
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError(`${file}, row 1: the header names column "${name}" twice (columns ${first + 1} and ${i + 1})`, file, 1, name);
    }
    seen.set(name, i);
  });
  return names;
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a regular file';
    default:
      return (err as Error | undefined)?.message ?? String(err);
  }
}

/** csv-parse's own errors become DataErrors that name the file and the row being read. */
function toDataError(err: unknown, source: CsvSource, rowsRead: number, maxRecordChars: number): Error {
  if (err instanceof DataError || err instanceof StopReading) return err;
  const e = err as { code?: string; message?: string; records?: number; lines?: number };
  const file = source.displayName;
  // csv-parse counts records it had finished; the faulty one is the next (blank lines do not count).
  const row = (e.records ?? rowsRead) + 1;
  const line = e.lines !== undefined ? ` (line ${e.lines})` : '';
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new DataError(`${file}, row ${row}: a quoted field is never closed (a missing '"'?)`, file, row);
    case 'CSV_MAX_RECORD_SIZE':
      return new DataError(
        `${file}, row ${row}: the row is longer than ${maxRecordChars} characters (still open at line ${e.lines ?? '?'}); ` +
          'an unclosed quote may have swallowed the following lines',
        file,
        row,
      );
    case undefined:
      if ((err as NodeJS.ErrnoException).syscall) return new DataError(`Cannot read data file ${file}: ${describeFsError(err)}`, file);
      return err as Error;
    default:
      return new DataError(`${file}, row ${row}${line}: ${e.message ?? 'malformed CSV'}`, file, row);
  }
}
