/**
 * Streaming CSV reading on top of `csv-parse`, which implements RFC 4180 (quoted fields with
 * commas, doubled quotes and embedded newlines), strips a UTF-8 BOM and accepts CRLF or LF. A file
 * whose header line has tabs and no comma is read as tab-separated (see `sniffStart`). The bytes
 * are decoded strictly on the way in (textDecoding.ts): UTF-8 unless `data.encoding` or a byte
 * order mark says otherwise, and a byte that is not text stops the read with its line.
 *
 * Records are handed to a synchronous callback one at a time while the file streams through, so
 * memory stays bounded by one record (capped at MAX_RECORD_CHARS) plus whatever the caller keeps.
 * Rows are numbered as a spreadsheet does: 1-based, the header is row 1, empty lines are skipped
 * and do not count.
 */
import { closeSync, openSync, readSync, type promises as fsp } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'csv-parse';
import { SHOWN, type Quoting } from '../text/quote';
import { DataError } from './dataset';
import { describeFsError, openRegularFile } from '../files/regularFile';
import { DEFAULT_ENCODING, DecodingError, StreamDecoder, StreamDecodingError, locate, sniffBom } from '../text/decoding';

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
  /** The text encoding (a TextDecoder label, `data.encoding`); default UTF-8. A byte order mark wins. */
  readonly encoding?: string;
  /** How messages quote the file's contents (withheld for a file outside the workspace); default shown. */
  readonly quoting?: Quoting;
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
  const handle = await openDataFile(source);
  let header: string[] | undefined;
  let row = 0;
  let start: TextStart;
  try {
    start = await sniffStart(handle, source);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err instanceof DataError ? err : new DataError(`Cannot read data file ${source.displayName}: ${(err as Error).message}`, source.displayName);
  }
  const decoder = new StreamDecoder(start.encoding);
  const decoding = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decoder.push(chunk);
        done(null, text.length ? text : undefined);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        const text = decoder.end();
        done(null, text.length ? text : undefined);
      } catch (err) {
        done(err as Error);
      }
    },
  });
  const parser = new LineTaggingParser({
    bom: true,
    delimiter: start.delimiter,
    record_delimiter: start.recordDelimiter,
    // We check field counts ourselves to name the row and both counts in the message.
    relax_column_count: true,
    // Accept a stray quote inside an unquoted field (`5'3"`), common in hand-made tables.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: maxRecordChars,
  });
  const quoting = source.quoting ?? SHOWN;
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
          header = checkHeader(fields, source.displayName, quoting);
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
    await pipeline(handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), decoding, parser, consumer);
  } catch (err) {
    throw toDataError(err, source, row, maxRecordChars);
  } finally {
    await handle.close().catch(() => undefined);
  }
  if (header === undefined) throw new DataError(`${source.displayName} is empty: expected a header row and data rows`, source.displayName);
}

/** Bytes looked at to find the header line's separator, the byte order mark and binary content. */
const SNIFF_BYTES = 1 << 16;

interface TextStart {
  /** The encoding to decode with: the byte order mark's, else the source's, else UTF-8. */
  readonly encoding: string;
  readonly delimiter: string;
  /** The line ending(s) records end with. */
  readonly recordDelimiter: string[];
}

/**
 * The encoding and the field separator, from the first bytes. The separator is a comma, unless
 * the header line has none but has tabs (a TSV file, as pandas' `to_csv(sep="\t")`, R's
 * `write.table` and statsmodels' datasets write them). Tabs never occur in a comma-separated header
 * by accident, so the guess cannot misread a real CSV. Semicolons are NOT guessed: a semicolon file
 * usually comes with decimal commas (a European spreadsheet export), which would silently read as
 * text; `checkHeader` names it instead. NUL bytes mean a binary file (a spreadsheet, an archive) or
 * UTF-16 without a byte order mark: refused before any decoding.
 */
async function sniffStart(handle: fsp.FileHandle, source: CsvSource): Promise<TextStart> {
  const buffer = Buffer.alloc(SNIFF_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
  const head = buffer.subarray(0, bytesRead);
  const encoding = sniffBom(head)?.encoding ?? source.encoding ?? DEFAULT_ENCODING;
  if (!encoding.startsWith('utf-16') && head.includes(0)) {
    throw new DataError(
      `${source.displayName} does not look like a UTF-8 CSV text file (binary content near the start: an .xlsx, a compressed file, or UTF-16 text without a byte order mark?)`,
      source.displayName,
    );
  }
  // Only to find the header line: the data itself is decoded strictly by StreamDecoder.
  const text = new TextDecoder(encoding).decode(head);
  const end = text.indexOf('\n');
  const firstLine = end >= 0 ? text.slice(0, end) : text;
  return { encoding, delimiter: !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ',', recordDelimiter: lineEnding(text) };
}

/**
 * The line ending of the first line break, as csv-parse would discover it (CRLF, LF or a lone CR),
 * or CRLF and LF both when the first line is longer than the sniffed bytes. Given explicitly
 * because csv-parse's own discovery allocates three buffers per byte of the first line: a header
 * with a 7 MB name took 7 s to parse, 0.1 s with this.
 */
function lineEnding(text: string): string[] {
  const at = text.search(/[\r\n]/);
  if (at < 0) return ['\r\n', '\n'];
  if (text[at] === '\n') return ['\n'];
  // A CR at the very end of the sniffed bytes may be the first half of a CRLF.
  return text[at + 1] === '\n' || at === text.length - 1 ? ['\r\n', '\r'] : ['\r'];
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

/**
 * The header of a CSV file and how many data records follow (read once; the rows are not kept). The
 * count is undefined when a record past the header cannot be read (a ragged row): training names it.
 */
export async function readCsvOutline(path: string, displayName: string = path): Promise<{ readonly header: readonly string[]; readonly rows: number | undefined }> {
  let header: readonly string[] | undefined;
  let rows = 0;
  try {
    await forEachCsvRecord({ path, displayName }, (h) => (header = h), () => void rows++);
  } catch (err) {
    if (header === undefined) throw err;
    return { header, rows: undefined };
  }
  return { header: header ?? [], rows };
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

async function openDataFile(source: CsvSource): Promise<fsp.FileHandle> {
  try {
    return await openRegularFile(source.path);
  } catch (err) {
    throw new DataError(`Cannot read data file ${source.displayName}: ${(err as Error).message}`, source.displayName);
  }
}

function checkHeader(fields: readonly string[], file: string, quoting: Quoting): string[] {
  // NUL or U+FFFD (a file already decoded with losses once) in the first row: not a clean text file.
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
      throw new DataError(`${file}, row 1: the header names column ${quoting.quote(name)} twice (columns ${first + 1} and ${i + 1})`, file, 1, name);
    }
    seen.set(name, i);
  });
  return names;
}

/** csv-parse's own errors become DataErrors that name the file and the row being read. */
function toDataError(err: unknown, source: CsvSource, rowsRead: number, maxRecordChars: number): Error {
  if (err instanceof DataError || err instanceof StopReading) return err;
  if (err instanceof StreamDecodingError) return decodingDataError(err, source);
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
      if ((err as NodeJS.ErrnoException).syscall) return new DataError(`Cannot read data file ${file}: ${describeFsError(source.path, err).message}`, file);
      return err as Error;
    default:
      return new DataError(`${file}, row ${row}${line}: ${e.message ?? 'malformed CSV'}`, file, row);
  }
}

/**
 * A byte that is not text in the file's encoding, with its line and character: the file is read
 * again up to that byte to count them (only on this error path, so the happy path counts nothing).
 */
function decodingDataError(err: StreamDecodingError, source: CsvSource): DataError {
  const position = locate(fileChunks(source.path, err.byteOffset), err.byteOffset, err.encoding);
  const decoding = new DecodingError(err.encoding, position, err.bytes);
  const hint =
    err.encoding === DEFAULT_ENCODING
      ? '; the file is in another encoding (Latin-1 or Windows-1252, as older spreadsheets save it?): save it as UTF-8, or name its encoding with data.encoding, e.g. "windows-1252"'
      : ' (data.encoding)';
  return new DataError(`${source.displayName}, ${decoding.message}${hint}`, source.displayName);
}

/** The first `length` bytes of a file (already opened once as a regular file), in chunks. */
function* fileChunks(path: string, length: number): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let read = 0; read < length; ) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, length - read), read);
      if (n === 0) return;
      read += n;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}
