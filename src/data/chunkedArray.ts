/**
 * An append-only typed array stored in chunks, so growing never copies what is already stored (no
 * 2x transient of a doubling array), and `toArray` releases each chunk as it copies it. Peak memory
 * while reading a large CSV stays close to the data itself.
 */
type TypedArray = Float64Array | Int32Array;

/**
 * Chunks start small (a 150-row table should not allocate megabytes per column) and double up to
 * 64 Ki values: 512 KiB of float64, small next to a large table, large next to per-chunk overhead.
 */
const FIRST_CHUNK_LENGTH = 256;
const MAX_CHUNK_LENGTH = 1 << 16;

export class ChunkedArray<T extends TypedArray> {
  private readonly chunks: T[] = [];
  private current: T;
  private used = 0;
  length = 0;

  constructor(private readonly make: (length: number) => T) {
    this.current = make(FIRST_CHUNK_LENGTH);
    this.chunks.push(this.current);
  }

  push(value: number): void {
    if (this.used === this.current.length) {
      this.current = this.make(Math.min(MAX_CHUNK_LENGTH, this.current.length * 2));
      this.chunks.push(this.current);
      this.used = 0;
    }
    this.current[this.used++] = value;
    this.length++;
  }

  /** Calls `f` on every value in order. */
  forEach(f: (value: number) => void): void {
    let left = this.length;
    for (const chunk of this.chunks) {
      const take = Math.min(chunk.length, left);
      for (let i = 0; i < take; i++) f(chunk[i]!);
      left -= take;
    }
  }

  /** The values as one exact-length array; this ChunkedArray is empty afterwards. */
  toArray(): T {
    const out = this.make(this.length);
    let offset = 0;
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const take = Math.min(chunk.length, this.length - offset);
      out.set(take === chunk.length ? chunk : chunk.subarray(0, take), offset);
      offset += take;
      (this.chunks as (T | undefined)[])[c] = undefined; // let the chunk go now, not after the loop
    }
    this.chunks.length = 0;
    this.length = 0;
    this.current = this.make(0);
    this.used = 0;
    return out;
  }
}
