/**
 * TFRecord framing, as TensorFlow's `io/record_writer.cc` writes it (TensorBoard event files use it):
 *   uint64 LE length | uint32 LE masked_crc32c(length bytes) | data | uint32 LE masked_crc32c(data)
 * with masked_crc(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 (mod 2^32), CRC-32C being the
 * Castagnoli CRC (SheetJS crc-32's crc32c table, read 8 bytes a step: see crcAt).
 *
 * Read as a stream, the way TensorBoard's event-file loader resumes at its last offset: bytes are
 * fed as the file grows, a record cut short at the end waits for the rest, and corruption does not
 * stop the reading. A record whose data CRC fails is skipped (its length is known); a length whose
 * CRC fails is resynchronised by scanning for the next offset where a length and its CRC agree.
 */
import * as crc from 'crc-32/crc32c';

// Read once: a bundled CommonJS import is a getter, and these are called for every record.
const crc32cSigned = crc.buf;
const CRC_TABLE = crc.table;

/** The constant TensorFlow adds to a rotated CRC (tensorflow/core/lib/hash/crc32c.h, kMaskDelta). */
const MASK_DELTA = 0xa282ead8;
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;
/** No scalar event comes near this; a length past it is corruption whose CRC matched by chance. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export function crc32c(bytes: Uint8Array): number {
  return crc32cSigned(bytes) >>> 0;
}

/** TensorFlow stores a rotated CRC so that a CRC of data that itself holds CRCs stays well mixed. */
export function maskedCrc32c(bytes: Uint8Array): number {
  return mask(crc32c(bytes));
}

const mask = (c: number): number => (((c >>> 15) | (c << 17)) + MASK_DELTA) >>> 0;

/**
 * Slicing-by-8 tables derived from the library's byte table: TABLES[k][b] is the CRC of byte b
 * followed by k zero bytes. Eight lookups then consume eight bytes (Intel's "slicing-by-8"), about
 * four times faster than a byte at a time on the 30-60 bytes of a scalar event; and it runs on
 * buf[start, end) directly, where the library's own slicing needs a view per record.
 */
const TABLES: Int32Array = (() => {
  const t = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) t[b] = CRC_TABLE[b]!;
  for (let k = 1; k < 8; k++) {
    for (let b = 0; b < 256; b++) {
      const prev = t[(k - 1) * 256 + b]!;
      t[k * 256 + b] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
})();

/** The CRC-32C of buf[start, end). */
export function crcAt(buf: Uint8Array, start: number, end: number): number {
  return crcInt(buf, start, end) >>> 0;
}

/**
 * The CRC as a signed 32-bit integer, and so are the CRCs it is compared with: V8 keeps those in a
 * register, where an unsigned one above 2^31 is a heap number allocated per record.
 */
function crcInt(buf: Uint8Array, start: number, end: number): number {
  const t = TABLES;
  let c = -1;
  let i = start;
  for (const last = end - 8; i <= last; i += 8) {
    const lo = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    c =
      t[7 * 256 + (lo & 0xff)]! ^
      t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
      t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
      t[4 * 256 + (lo >>> 24)]! ^
      t[3 * 256 + buf[i + 4]!]! ^
      t[2 * 256 + buf[i + 5]!]! ^
      t[256 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
  }
  for (; i < end; i++) c = (c >>> 8) ^ t[(c ^ buf[i]!) & 0xff]!;
  return c ^ -1;
}

/** The masked CRC of buf[start, end), signed (see crcInt). */
function maskedCrcAt(buf: Uint8Array, start: number, end: number): number {
  const c = crcInt(buf, start, end);
  return (((c >>> 15) | (c << 17)) + MASK_DELTA) | 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a, 0);
  c.set(b, a.length);
  return c;
}

/** A little-endian uint32 as a signed int32 (see crcInt): a length past 2^31 reads as negative. */
const i32At = (buf: Uint8Array, i: number): number => buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);

/**
 * Hands on the intact records from `at` and returns the offset of the first one that is not
 * (cut short, damaged, or not a record): the hot loop of a read, kept free of the rare cases so
 * that it is compiled early and never thrown back to the interpreter by one of them.
 */
function frameIntact(buf: Uint8Array, at: number, end: number, base: number, records: RecordSink): number {
  while (end - at >= HEADER_BYTES) {
    const length = i32At(buf, at);
    const dataEnd = at + HEADER_BYTES + length;
    if ((buf[at + 4]! | buf[at + 5]! | buf[at + 6]! | buf[at + 7]!) !== 0 || length < 0 || length > MAX_RECORD_BYTES || dataEnd + FOOTER_BYTES > end) return at;
    if (i32At(buf, dataEnd) !== maskedCrcAt(buf, at + HEADER_BYTES, dataEnd)) return at;
    records.record(buf, at + HEADER_BYTES, dataEnd, base + at);
    at = dataEnd + FOOTER_BYTES;
  }
  return at;
}

/**
 * Receives the intact records. An object with a method rather than a callback: one class for every
 * file keeps the hot loop's call monomorphic, where a closure per file (a logdir of many runs)
 * would make V8 throw its compiled code away at each new file ("wrong call target").
 */
export interface RecordSink {
  record(buf: Uint8Array, start: number, end: number, offset: number): void;
}

/** Corruption found and stepped over, with the byte offset of the record in the file. */
export interface TfRecordDamage {
  readonly offset: number;
  /** Bytes skipped from `offset` to the next good record (or to the end of what was read). */
  readonly skipped: number;
  readonly what: 'data-crc' | 'length-crc';
}

export class TfRecordStream {
  /** Bytes fed but not consumed yet (a partial record), and the file offset of their first byte. */
  private tail: Uint8Array = new Uint8Array(0);
  private tailOffset = 0;
  private resyncing = false;
  /** While resyncing: the file offset where the damaged bytes began. */
  private scanFrom = 0;

  /** File offset of the first byte not consumed: where a partial record starts. */
  get position(): number {
    return this.tailOffset;
  }

  /** Bytes waiting for the rest of their record. */
  get pending(): number {
    return this.tail.length;
  }

  /**
   * Frames the bytes appended to the file, calling `records.record` for each whole, intact record: its
   * data is buf[start, end) (a buffer the next feed may reuse: decode it in the callback), `offset`
   * its record's position in the file. Returns the damage stepped over.
   */
  feed(bytes: Uint8Array, records: RecordSink): TfRecordDamage[] {
    // A plain view: Buffer's own subarray() is several times slower, and it is called per record.
    const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!this.tail.length) return this.frame(plain, records);
    // A chunk nearly always starts inside a record: complete that one record on its own, then
    // frame the rest of the chunk where it lies, rather than copying the whole chunk after the tail.
    const need = this.stitchNeed(plain);
    if (need === undefined || need > plain.length) return this.frame(concat(this.tail, plain), records);
    const first = this.frame(concat(this.tail, plain.subarray(0, need)), records);
    const rest = this.frame(plain.subarray(need), records);
    return first.length ? [...first, ...rest] : rest;
  }

  /** Bytes of `next` that complete the record the tail starts; undefined when that is not a plain partial record. */
  private stitchNeed(next: Uint8Array): number | undefined {
    const tail = this.tail;
    if (this.resyncing || tail.length + next.length < HEADER_BYTES) return undefined;
    const header = tail.length >= HEADER_BYTES ? tail.subarray(0, HEADER_BYTES) : concat(tail, next.subarray(0, HEADER_BYTES - tail.length));
    const length = i32At(header, 0);
    if (i32At(header, 4) !== 0 || length < 0 || length > MAX_RECORD_BYTES || i32At(header, 8) !== maskedCrcAt(header, 0, 8)) return undefined;
    const need = HEADER_BYTES + length + FOOTER_BYTES - tail.length;
    return need > 0 ? need : undefined;
  }

  /** Frames buf (the tail and what came after it), starting at file offset tailOffset; what is left becomes the tail. */
  private frame(buf: Uint8Array, records: RecordSink): TfRecordDamage[] {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const damage: TfRecordDamage[] = [];
    let at = 0;
    const end = buf.length;
    while (end - at >= HEADER_BYTES) {
      // Intact records, the whole of a healthy log, go through the small loop; what it stops at
      // (a partial record at the end, damage, a resync) is decided below, one offset at a time.
      if (!this.resyncing) {
        at = frameIntact(buf, at, end, this.tailOffset, records);
        if (end - at < HEADER_BYTES) break;
      }
      const length = view.getUint32(at, true);
      const high = view.getUint32(at + 4, true);
      const recordEnd = at + HEADER_BYTES + length + FOOTER_BYTES;
      // A record whose data CRC matches vouches for its length too; the length's own CRC is checked
      // when that is not so (or while resynchronising), to tell a partial record from a damaged one.
      const plausible = high === 0 && length <= MAX_RECORD_BYTES;
      const dataOk = plausible && !this.resyncing && recordEnd <= end && view.getInt32(at + HEADER_BYTES + length, true) === maskedCrcAt(buf, at + HEADER_BYTES, at + HEADER_BYTES + length);
      if (!dataOk && !(plausible && view.getInt32(at + 8, true) === maskedCrcAt(buf, at, at + 8))) {
        // Scan on, a byte at a time, for the next offset whose length and length CRC agree.
        if (!this.resyncing) this.scanFrom = this.tailOffset + at;
        this.resyncing = true;
        at++;
        continue;
      }
      if (recordEnd > end) break;
      if (!dataOk && view.getInt32(at + HEADER_BYTES + length, true) !== maskedCrcAt(buf, at + HEADER_BYTES, at + HEADER_BYTES + length)) {
        if (this.resyncing) {
          // A length that agreed with its CRC by chance while scanning: keep scanning.
          at++;
          continue;
        }
        damage.push({ offset: this.tailOffset + at, skipped: recordEnd - at, what: 'data-crc' });
        at = recordEnd;
        continue;
      }
      if (this.resyncing) damage.push({ offset: this.scanFrom, skipped: this.tailOffset + at - this.scanFrom, what: 'length-crc' });
      this.resyncing = false;
      records.record(buf, at + HEADER_BYTES, at + HEADER_BYTES + length, this.tailOffset + at);
      at = recordEnd;
    }
    // Still scanning at the end of what was read: the damage is reported once, when the next good
    // record is found (or by openDamage at the end of the run), however many reads it spans.
    this.tail = buf.slice(at);
    this.tailOffset += at;
    return damage;
  }

  /** The damage still being scanned over when the reading stops (no good record after it yet). */
  get openDamage(): TfRecordDamage | undefined {
    return this.resyncing ? { offset: this.scanFrom, skipped: this.tailOffset - this.scanFrom, what: 'length-crc' } : undefined;
  }

  /** Forgets everything: the file was rewritten from its start. */
  reset(): void {
    this.tail = new Uint8Array(0);
    this.tailOffset = 0;
    this.resyncing = false;
  }
}
