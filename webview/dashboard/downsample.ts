/**
 * Min-max downsampling that keeps spikes: the x range is cut into equal-width buckets (in the axis'
 * own space, so log10(x) on a log axis) and each bucket keeps its minimum and its maximum, in x
 * order. A line through those points has the same envelope on screen as the full
 * series, because a bucket is about one pixel wide. Chart.js' built-in `decimation: 'min-max'` does
 * the same but only on linear/time x axes, and this dashboard also has a log x axis.
 *
 * Non-finite y values are kept as gaps (null), so the line breaks where the run produced NaN/Inf.
 *
 * `MinMaxDownsampler` is the incremental form for a series that only grows: the bucket width is
 * snapped to a power of two, so it stays fixed until the x span doubles, and each update re-scans
 * only the last (still open) bucket and the new readings. A live run of n readings therefore costs
 * O(n) in all, not O(n) per frame.
 */
import type { XY } from './debugTypes';

/** Series with at most this many points per bucket are drawn whole (a bucket keeps at most 3). */
const POINTS_PER_BUCKET = 2;

function pushPoint(out: XY[], x: number, y: number): void {
  out.push({ x, y: Number.isFinite(y) ? y : null });
}

/** Appends the kept points of ys[from..to) (one bucket) to `out`. */
function emitBucket(out: XY[], xs: Float64Array, ys: Float64Array, from: number, to: number): void {
  let minI = -1;
  let maxI = -1;
  let gap = -1;
  for (let i = from; i < to; i++) {
    const y = ys[i]!;
    if (y !== y || y === Infinity || y === -Infinity) {
      if (gap < 0) gap = i;
    } else {
      if (minI < 0 || y < ys[minI]!) minI = i;
      if (maxI < 0 || y > ys[maxI]!) maxI = i;
    }
  }
  // The envelope (min and max) and the first non-finite reading (the gap), in reading order.
  const keep: number[] = [];
  for (const k of [minI, maxI, gap]) if (k >= 0 && !keep.includes(k)) keep.push(k);
  keep.sort((p, q) => p - q);
  for (const k of keep) pushPoint(out, xs[k]!, ys[k]!);
}

/** One-shot min-max downsampling of (xs[i], ys[i]) for i < length into about `buckets` buckets. */
export function minMaxDownsample(xs: Float64Array, ys: Float64Array, length: number, buckets: number, logX: boolean): XY[] {
  return new MinMaxDownsampler(buckets, logX).update(xs, ys, length);
}

export class MinMaxDownsampler {
  /** Points of the closed buckets. */
  private closed: XY[] = [];
  /** Index of the first reading of the open (last) bucket. */
  private openFrom = 0;
  private start = -1;
  private origin = 0;
  private width = 0;
  private whole = true;

  constructor(
    private readonly buckets: number,
    private readonly logX: boolean,
  ) {}

  private tx(x: number): number {
    return this.logX ? Math.log10(x) : x;
  }

  update(xs: Float64Array, ys: Float64Array, length: number): XY[] {
    if (length < this.openFrom) this.reset();
    if (this.start < 0) {
      let start = 0;
      if (this.logX) while (start < length && !(xs[start]! > 0)) start++;
      if (start >= length) return [];
      this.start = start;
      this.origin = this.tx(xs[start]!);
      this.openFrom = start;
    }
    const n = length - this.start;
    if (n <= 0) return [];
    if (this.whole && n <= this.buckets * POINTS_PER_BUCKET) {
      const out: XY[] = [];
      for (let i = this.start; i < length; i++) pushPoint(out, xs[i]!, ys[i]!);
      return out;
    }
    this.whole = false;
    const span = this.tx(xs[length - 1]!) - this.origin;
    // The bucket width is the smallest power of two >= span/buckets: it changes only when the span
    // doubles, and the result is the same as downsampling the whole series afresh.
    const width = Math.pow(2, Math.ceil(Math.log2(span / this.buckets || 1)));
    if (width !== this.width) {
      this.width = width;
      this.closed = [];
      this.openFrom = this.start;
    }
    const inv = 1 / this.width;
    const out = this.closed;
    let i = this.openFrom;
    let bucket = Math.floor((this.tx(xs[i]!) - this.origin) * inv);
    let from = i;
    for (i = i + 1; i < length; i++) {
      const b = Math.floor((this.tx(xs[i]!) - this.origin) * inv);
      if (b !== bucket) {
        emitBucket(out, xs, ys, from, i);
        from = i;
        bucket = b;
      }
    }
    // The last bucket may still receive readings: emit it into a copy, keep `closed` for next time.
    this.openFrom = from;
    const result = out.slice();
    emitBucket(result, xs, ys, from, length);
    return result;
  }

  private reset(): void {
    this.closed = [];
    this.openFrom = 0;
    this.start = -1;
    this.width = 0;
    this.whole = true;
  }
}
