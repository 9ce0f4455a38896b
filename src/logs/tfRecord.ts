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
import { buf as crc32cSigned } from 'crc-32/crc32c';

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
  const c = crc32c(bytes);
  return (((c >>> 15) | (c << 17)) + MASK_DELTA) >>> 0;
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
   * Frames the bytes appended to the file, calling `onRecord` for each whole, intact record (its
   * data is a view into a buffer reused by the next feed: decode it in the callback). Returns the
   * damage stepped over.
   */
  feed(bytes: Uint8Array, onRecord: (data: Uint8Array, offset: number) => void): TfRecordDamage[] {
    let buf: Uint8Array;
    if (!this.tail.length) buf = bytes;
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
      const lengthOk = high === 0 && length <= MAX_RECORD_BYTES && view.getUint32(at + 8, true) === maskedCrc32c(buf.subarray(at, at + 8));
      if (!lengthOk) {
        // Scan on, a byte at a time, for the next offset whose length and length CRC agree.
        if (damagedAt < 0) damagedAt = at;
        this.resyncing = true;
        at++;
        continue;
      }
      const recordEnd = at + HEADER_BYTES + length + FOOTER_BYTES;
      if (recordEnd > end) break;
      const data = buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length);
      if (view.getUint32(at + HEADER_BYTES + length, true) !== maskedCrc32c(data)) {
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
      onRecord(data, this.tailOffset + at);
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
