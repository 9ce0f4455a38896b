/** SheetJS crc-32 ships its CRC-32C (Castagnoli) as crc-32/crc32c without a declaration of its own. */
declare module 'crc-32/crc32c' {
  /** The CRC-32C of the bytes, as a signed 32-bit integer (`>>> 0` for the unsigned value). */
  export function buf(data: Uint8Array, seed?: number): number;
  /** The byte-at-a-time table (signed entries), for CRCs of a few bytes inside a larger buffer. */
  export const table: Int32Array;
}
