/**
 * Min-max downsampling that keeps spikes: the x range is cut into `buckets` equal-width slices (in
 * the axis' own space, so log10(x) on a log axis) and each slice keeps its first, minimum, maximum
 * and last points, in x order. A line through those points has the same envelope on screen as the
 * full series, because one slice is about one pixel wide. Chart.js' built-in `decimation: 'min-max'`
 * does the same but only on linear/time x axes, and this dashboard also has a log x axis.
 *
 * Non-finite y values are kept as gaps (null), so the line breaks where the run produced NaN/Inf.
 */

import type { XY } from './debugTypes';

/** Series shorter than this many points per bucket are drawn whole. */
const POINTS_PER_BUCKET = 4;

/**
 * Points of `(xs[i], ys[i])` for i < length, decimated to at most ~4 per bucket. `logX` buckets in
 * log10(x) space and drops x <= 0 (not representable on a log axis).
 */
export function minMaxDownsample(xs: Float64Array, ys: Float64Array, length: number, buckets: number, logX: boolean): XY[] {
  const out: XY[] = [];
  let start = 0;
  if (logX) while (start < length && !(xs[start]! > 0)) start++;
  const n = length - start;
  if (n <= 0) return out;
  if (n <= buckets * POINTS_PER_BUCKET) {
    for (let i = start; i < length; i++) {
      const y = ys[i]!;
      out.push({ x: xs[i]!, y: Number.isFinite(y) ? y : null });
    }
    return out;
  }
  const tx = (x: number): number => (logX ? Math.log10(x) : x);
  const x0 = tx(xs[start]!);
  const span = tx(xs[length - 1]!) - x0 || 1;
  let i = start;
  while (i < length) {
    const bucket = Math.min(buckets - 1, Math.floor(((tx(xs[i]!) - x0) / span) * buckets));
    const first = i;
    let minI = -1;
    let maxI = -1;
    let gap = -1;
    for (; i < length; i++) {
      const b = Math.min(buckets - 1, Math.floor(((tx(xs[i]!) - x0) / span) * buckets));
      if (b !== bucket) break;
      const y = ys[i]!;
      if (!Number.isFinite(y)) {
        if (gap < 0) gap = i;
        continue;
      }
      if (minI < 0 || y < ys[minI]!) minI = i;
      if (maxI < 0 || y > ys[maxI]!) maxI = i;
    }
    const last = i - 1;
    const keep = [first, minI, maxI, gap, last].filter((k) => k >= 0).sort((a, b) => a - b);
    let previous = -1;
    for (const k of keep) {
      if (k === previous) continue;
      previous = k;
      const y = ys[k]!;
      out.push({ x: xs[k]!, y: Number.isFinite(y) ? y : null });
    }
  }
  return out;
}
