import { parse } from 'csv-parse/sync';

/**
 * Lines of a text log as it grows. Only lines ended by a newline are handed on: a last line without
 * one may be cut mid-number ("0.12" of "0.1234") and is never read as a value. It waits for the rest;
 * at the end of the run it is skipped with a note (finishText).
 */
export class LineStream {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  /** 1-based number of the next complete line. */
  private lineNo = 1;

  /** Complete lines of the bytes appended, with their 1-based line numbers. */
  feed(bytes: Uint8Array, onLine: (line: string, lineNo: number) => void): void {
    const text = this.partial + this.decoder.decode(bytes, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end), this.lineNo++);
      start = nl + 1;
    }
    this.partial = text.slice(start);
  }

  /** The cut-short last line, if there is one (the file does not end with a newline). */
  get pendingLine(): string {
    return this.partial;
  }

  get nextLineNo(): number {
    return this.lineNo;
  }

  reset(): void {
    this.partial = '';
    this.lineNo = 1;
  }
}

/**
 * The fields of one CSV line (metric logs have no newlines inside fields). A line without quotes
 * is its commas' pieces, exactly; one with quotes is tokenized by csv-parse (RFC 4180).
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  try {
    return (parse(line, { relax_quotes: true }) as string[][])[0] ?? [''];
  } catch {
    return line.split(',');
  }
}

/**
 * A metric cell: empty is `undefined` ("not recorded"); Python's nan/inf spellings are values that
 * were recorded and were not finite; anything else that is not a number is NaN.
 */
export function metricCell(cell: string | undefined): number | undefined {
  const s = (cell ?? '').trim();
  if (!s) return undefined;
  const v = Number(s);
  if (!Number.isNaN(v)) return v;
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return NaN;
}
