/**
 * TFRecord framing, as TensorFlow's `io/record_writer.cc` writes it (TensorBoard event files use it):
 *   uint64 LE length | uint32 LE masked_crc32c(length bytes) | data | uint32 LE masked_crc32c(data)
 * with masked_crc(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 (mod 2^32), CRC-32C being the
 * Castagnoli CRC (SheetJS crc-32's crc32c, slicing-by-16).
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

/** Records shorter than this are checked byte by byte with the library's table; longer ones by its slicing-by-16. */
const INLINE_CRC_BYTES = 256;

/** The masked CRC-32C of buf[start, end), without a view per record for the short ones (most scalar events). */
function maskedCrcAt(buf: Uint8Array, start: number, end: number): number {
  if (end - start > INLINE_CRC_BYTES) return mask(crc32cSigned(buf.subarray(start, end)) >>> 0);
  let c = -1;
  for (let i = start; i < end; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ buf[i]!) & 0xff]!;
  return mask((c ^ -1) >>> 0);
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

  /** File offset of the first byte not consumed: where a partial record starts. */
  get position(): number {
    return this.tailOffset;
  }

  /** Bytes waiting for the rest of their record. */
  get pending(): number {
    return this.tail.length;
  }

  /**
   * Frames the bytes appended to the file, calling `onRecord` for each whole, intact record: its
   * data is buf[start, end) (a buffer the next feed may reuse: decode it in the callback), `offset`
   * its record's position in the file. Returns the damage stepped over.
   */
  feed(bytes: Uint8Array, onRecord: (buf: Uint8Array, start: number, end: number, offset: number) => void): TfRecordDamage[] {
    let buf: Uint8Array;
    // A plain view: Buffer's own subarray() is several times slower, and it is called per record.
    if (!this.tail.length) buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else {
      buf = new Uint8Array(this.tail.length + bytes.length);
      buf.set(this.tail, 0);
      buf.set(bytes, this.tail.length);
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const damage: TfRecordDamage[] = [];
    let at = 0;
    let damagedAt = -1;
    const end = buf.length;
    while (end - at >= HEADER_BYTES) {
      const length = view.getUint32(at, true);
      const high = view.getUint32(at + 4, true);
      const recordEnd = at + HEADER_BYTES + length + FOOTER_BYTES;
      // A record whose data CRC matches vouches for its length too; the length's own CRC is checked
      // when that is not so (or while resynchronising), to tell a partial record from a damaged one.
      const plausible = high === 0 && length <= MAX_RECORD_BYTES;
      const dataOk = plausible && !this.resyncing && recordEnd <= end && view.getUint32(at + HEADER_BYTES + length, true) === maskedCrcAt(buf, at + HEADER_BYTES, at + HEADER_BYTES + length);
      if (!dataOk && !(plausible && view.getUint32(at + 8, true) === maskedCrcAt(buf, at, at + 8))) {
        // Scan on, a byte at a time, for the next offset whose length and length CRC agree.
        if (damagedAt < 0) damagedAt = at;
        this.resyncing = true;
        at++;
        continue;
      }
      if (recordEnd > end) break;
      if (!dataOk && view.getUint32(at + HEADER_BYTES + length, true) !== maskedCrcAt(buf, at + HEADER_BYTES, at + HEADER_BYTES + length)) {
        if (this.resyncing) {
          // A length that agreed with its CRC by chance while scanning: keep scanning.
          at++;
          continue;
        }
        damage.push({ offset: this.tailOffset + at, skipped: recordEnd - at, what: 'data-crc' });
        at = recordEnd;
        continue;
      }
      if (damagedAt >= 0) {
        damage.push({ offset: this.tailOffset + damagedAt, skipped: at - damagedAt, what: 'length-crc' });
        damagedAt = -1;
      }
      this.resyncing = false;
      onRecord(buf, at + HEADER_BYTES, at + HEADER_BYTES + length, this.tailOffset + at);
      at = recordEnd;
    }
    if (damagedAt >= 0) {
      // Still scanning at the end of what was read: report the bytes stepped over so far.
      damage.push({ offset: this.tailOffset + damagedAt, skipped: at - damagedAt, what: 'length-crc' });
    }
    this.tail = buf.slice(at);
    this.tailOffset += at;
    return damage;
  }

  /** Forgets everything: the file was rewritten from its start. */
  reset(): void {
    this.tail = new Uint8Array(0);
    this.tailOffset = 0;
    this.resyncing = false;
  }
}
