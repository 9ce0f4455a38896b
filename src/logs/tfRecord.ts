/**
 * TFRecord framing, as TensorFlow's `io/record_writer.cc` writes it (TensorBoard event files use it):
 *   uint64 LE length | uint32 LE masked_crc32c(length bytes) | data | uint32 LE masked_crc32c(data)
 * with masked_crc(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 (mod 2^32), CRC-32C being the
 * Castagnoli polynomial (reflected 0x82F63B78), init and final xor 0xFFFFFFFF.
 */
import { LogError } from './errors';

/** The reflected Castagnoli polynomial (RFC 3720 §B.4, the iSCSI CRC). */
const CASTAGNOLI_REFLECTED = 0x82f63b78;
/** The constant TensorFlow adds to a rotated CRC (tensorflow/core/lib/hash/crc32c.h, kMaskDelta). */
const MASK_DELTA = 0xa282ead8;
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;

const TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI_REFLECTED : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TensorFlow stores a rotated CRC so that a CRC of data that itself holds CRCs stays well mixed. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return (((c >>> 15) | (c << 17)) + MASK_DELTA) >>> 0;
}

export interface TfRecord {
  /** Byte offset of the record's length field in the file. */
  readonly offset: number;
  readonly data: Uint8Array;
}

export interface TfRecords {
  readonly records: readonly TfRecord[];
  /** Byte offset of a cut-short last record that was skipped (the file is still being written). */
  readonly truncatedAt?: number;
}

/**
 * Splits a TFRecord file into records, checking both CRCs. A wrong CRC is corruption (LogError
 * with the record's byte offset); a last record cut short is a file still being written and is
 * skipped, as the CSV readers skip a partial last line.
 */
export function readTfRecords(bytes: Uint8Array, file: string): TfRecords {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: TfRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER_BYTES) return { records, truncatedAt: at };
    const lengthBytes = bytes.subarray(at, at + 8);
    if (view.getUint32(at + 8, true) !== maskedCrc32c(lengthBytes)) {
      throw new LogError(`corrupt TFRecord at byte offset ${at}: the length's CRC-32C does not match`, file);
    }
    const high = view.getUint32(at + 4, true);
    const length = view.getUint32(at, true);
    const end = at + HEADER_BYTES + length + FOOTER_BYTES;
    if (high !== 0 || end > bytes.length) return { records, truncatedAt: at };
    const data = bytes.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length);
    if (view.getUint32(at + HEADER_BYTES + length, true) !== maskedCrc32c(data)) {
      throw new LogError(`corrupt TFRecord at byte offset ${at}: the data's CRC-32C does not match`, file);
    }
    records.push({ offset: at, data });
    at = end;
  }
  return { records };
}
