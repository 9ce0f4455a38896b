/**
 * Strict text decoding of the files Loss Lens reads. UTF-8 by default and strictly: a byte that
 * is not UTF-8 is an error naming its line, character and byte offset, never a U+FFFD replacement
 * (a Latin-1 "réd" and "rèd" would both become "r\uFFFDd" and merge into one class). Another
 * encoding is decoded only when asked for by name (`data.encoding`), with the WHATWG decoders of
 * TextDecoder (the labels browsers accept: "latin1", "windows-1252", "shift_jis", ...). A byte
 * order mark wins over the name, as in the WHATWG decode algorithm, so a UTF-16 file with a BOM
 * reads without configuration.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { formatCount } from './quote';

export const DEFAULT_ENCODING = 'utf-8';

/** TextDecoder's canonical name for a label ("latin1" -> "windows-1252"), or undefined if unknown. */
export function encodingName(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

/** The encoding a byte order mark at the start of `bytes` announces, and the mark's length. */
export function sniffBom(bytes: Uint8Array): { readonly encoding: string; readonly length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** Where a byte sits in its text: 1-based line and character (code point) on that line, 0-based byte offset. */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
  readonly byteOffset: number;
}

/** Bytes that are not text in the expected encoding. `message` says where and what to do. */
export class DecodingError extends Error {
  constructor(
    readonly encoding: string,
    readonly position: TextPosition,
    /** The offending bytes, in hex ("E9 64"). */
    readonly bytes: string,
  ) {
    super(describeBadBytes(encoding, position, bytes));
    this.name = 'DecodingError';
  }
}

function describeBadBytes(encoding: string, at: TextPosition, bytes: string): string {
  const where = `line ${at.line}, character ${at.character} (byte offset ${formatCount(at.byteOffset)})`;
  const plural = bytes.includes(' ');
  return `${where}: the byte${plural ? 's' : ''} ${bytes} ${plural ? 'are' : 'is'} not valid ${encoding === DEFAULT_ENCODING ? 'UTF-8' : encoding} text`;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Whether `bytes` decodes as `encoding` with no error; `stream` accepts a character cut at the end. */
function decodes(bytes: Uint8Array, encoding: string, stream: boolean): boolean {
  try {
    new TextDecoder(encoding, { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/**
 * The offset of the first character that does not decode, in `bytes` read from `start` (a
 * character boundary). Binary search for the longest valid prefix, then back to where that
 * character began. Only called once a decode has failed, so its O(n log n) does not matter.
 */
function firstBadOffset(bytes: Uint8Array, start: number, encoding: string): number {
  let lo = start;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (decodes(bytes.subarray(start, mid), encoding, true)) lo = mid;
    else hi = mid - 1;
  }
  let begin = lo;
  while (begin > start && !decodes(bytes.subarray(start, begin), encoding, false)) begin--;
  return begin;
}

/**
 * The bytes to show for a bad character at `offset`: in UTF-8 the bad byte and the continuation
 * bytes after it (at most 4), in other encodings the byte and the next one.
 */
function badBytesAt(bytes: Uint8Array, offset: number, encoding: string): string {
  let end = offset + 1;
  if (encoding === DEFAULT_ENCODING) while (end < bytes.length && end < offset + 4 && (bytes[end]! & 0xc0) === 0x80) end++;
  else end = offset + 2;
  return hex(bytes.subarray(offset, Math.min(bytes.length, end)));
}

/** Line and character of `byteOffset`, counted in the text decoded from `chunks` (valid up to there). */
export function locate(chunks: Iterable<Uint8Array>, byteOffset: number, encoding: string): TextPosition {
  const decoder = new TextDecoder(encoding);
  let line = 1;
  let lineTail = '';
  let seen = 0;
  for (const chunk of chunks) {
    if (seen >= byteOffset) break;
    const take = chunk.subarray(0, Math.min(chunk.length, byteOffset - seen));
    seen += take.length;
    const text = decoder.decode(take, { stream: true });
    const last = text.lastIndexOf('\n');
    if (last >= 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
      lineTail = text.slice(last + 1);
    } else {
      lineTail += text;
    }
  }
  // Characters are code points, as an editor counts them (TextDecoder drops a byte order mark).
  return { line, character: [...lineTail].length + 1, byteOffset };
}

/**
 * Decodes a whole file strictly: UTF-8 unless a byte order mark or `encoding` says otherwise.
 * Throws DecodingError at the first byte that is not text in that encoding.
 */
export function decodeStrict(bytes: Uint8Array, encoding: string = DEFAULT_ENCODING): string {
  const actual = sniffBom(bytes)?.encoding ?? encoding;
  try {
    return new TextDecoder(actual, { fatal: true }).decode(bytes);
  } catch {
    const offset = firstBadOffset(bytes, 0, actual);
    throw new DecodingError(actual, locate([bytes], offset, actual), badBytesAt(bytes, offset, actual));
  }
}

/** A decoding failure in a stream, before its line is known (the reader locates it in the file). */
export class StreamDecodingError extends Error {
  constructor(
    readonly encoding: string,
    readonly byteOffset: number,
    readonly bytes: string,
  ) {
    super(`not valid ${encoding} text at byte offset ${byteOffset}`);
    this.name = 'StreamDecodingError';
  }
}

/**
 * Checks (UTF-8) or transcodes (any other encoding) a byte stream chunk by chunk into UTF-8, the
 * input csv-parse reads. UTF-8 chunks are validated with Node's `isUtf8` (the same rules as a
 * fatal TextDecoder) and passed through as they are; a character cut by a chunk boundary is held
 * back until the next chunk. Throws StreamDecodingError with the absolute byte offset.
 */
export class StreamDecoder {
  private readonly decoder: TextDecoder | undefined;
  private carry: Buffer = Buffer.alloc(0);
  /** Absolute offset of the first byte of `carry` (or of the next chunk). */
  private offset = 0;

  constructor(readonly encoding: string) {
    this.decoder = encoding === DEFAULT_ENCODING ? undefined : new TextDecoder(encoding, { fatal: true });
  }

  /** The UTF-8 bytes of the text in `chunk` (some of it may be held until the next chunk). */
  push(chunk: Buffer): Buffer {
    if (this.decoder) return this.transcode(chunk, false);
    const piece = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = completeUtf8Length(piece);
    const whole = piece.subarray(0, end);
    if (!isUtf8(whole)) this.fail(piece, firstBadOffset(piece, 0, DEFAULT_ENCODING));
    this.carry = Buffer.from(piece.subarray(end));
    this.offset += end;
    return whole;
  }

  /** What is left at the end of the stream; a character cut short by the end is an error. */
  end(): Buffer {
    if (this.decoder) return this.transcode(Buffer.alloc(0), true);
    if (this.carry.length) this.fail(this.carry, 0);
    return Buffer.alloc(0);
  }

  private transcode(chunk: Buffer, end: boolean): Buffer {
    try {
      const text = this.decoder!.decode(chunk, { stream: !end });
      this.offset += chunk.length;
      return Buffer.from(text, 'utf8');
    } catch {
      // The decoder may have held part of a character from the previous chunk, so the search
      // starts at a character boundary of this one; an error before it is reported at the chunk's start.
      const start = characterStart(chunk, this.encoding);
      const at = firstBadOffset(chunk, start, this.encoding);
      return this.fail(chunk, at < chunk.length ? at : 0);
    }
  }

  private fail(piece: Uint8Array, at: number): never {
    throw new StreamDecodingError(this.encoding, this.offset + at, badBytesAt(piece, at, this.encoding));
  }
}

/**
 * An offset in `chunk` where a character surely begins. UTF-16: the first code unit, or the next
 * when the first is the low half of a surrogate pair begun in the previous chunk (the file's chunks
 * start at even offsets). Other encodings: after the first line feed byte, which none of the
 * ASCII-compatible encodings puts inside a multi-byte character.
 */
function characterStart(chunk: Uint8Array, encoding: string): number {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const high = encoding === 'utf-16le' ? chunk[1] : chunk[0];
    return high !== undefined && high >= 0xdc && high <= 0xdf ? 2 : 0;
  }
  return Math.min(chunk.length, chunk.indexOf(0x0a) + 1);
}

/** Bytes of `piece` up to the last complete UTF-8 character (a cut sequence at the end waits for more). */
function completeUtf8Length(piece: Uint8Array): number {
  const n = piece.length;
  // A sequence is at most 4 bytes: look back at most 3 for the lead byte of the last one.
  for (let i = n - 1; i >= Math.max(0, n - 4); i--) {
    const b = piece[i]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + length > n ? i : n;
  }
  return n;
}
