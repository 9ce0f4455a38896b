/**
 * The y range of one chart. By default Chart.js fits the readings (every spike shown). With "Ignore
 * outliers" the range is TensorBoard's (its scalar dashboard's `ignoreYOutliers`): from the 5th to
 * the 95th percentile of the readings, padded by 5% of that span, so one blown-up step does not
 * flatten the rest of the curve. A constant series gets a range around its value, so it draws as a
 * flat line in the middle with readable ticks instead of float noise at the top and bottom.
 */

export const OUTLIER_QUANTILES = [0.05, 0.95] as const;
/** Padding on each side, as a fraction of the span (TensorBoard's). */
const PADDING = 0.05;
/** Percentiles are read from at most this many readings (an even stride through longer series). */
const QUANTILE_SAMPLE = 20_000;

/** A readable range around a constant value: ±50% (linear), a factor of 3 each way (log), ±1 at zero. */
export function constantRange(value: number, log: boolean): { min: number; max: number } {
  if (log && value > 0) return { min: value / 3, max: value * 3 };
  if (value === 0) return { min: -1, max: 1 };
  const half = Math.abs(value) / 2;
  return { min: value - half, max: value + half };
}

/** Whether a series whose finite readings run from `min` to `max` is constant (to float noise). */
export function isConstant(min: number, max: number): boolean {
  return Number.isFinite(min) && Number.isFinite(max) && max - min <= 1e-9 * Math.max(Math.abs(min), Math.abs(max), Number.MIN_VALUE);
}

/** The q-quantile (linear interpolation between order statistics, as d3.quantile) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (!n) return Number.NaN;
  const i = (n - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

/**
 * The 5th–95th percentile range of the finite readings of several series (each `ys[0..length)`),
 * padded; `log` keeps only positive readings. Undefined when there is nothing finite.
 */
export function outlierRange(series: readonly { ys: ArrayLike<number>; length: number }[], log: boolean): { min: number; max: number } | undefined {
  const total = series.reduce((s, a) => s + a.length, 0);
  const stride = Math.max(1, Math.ceil(total / QUANTILE_SAMPLE));
  const kept: number[] = [];
  for (const { ys, length } of series) {
    for (let i = 0; i < length; i += stride) {
      const y = ys[i]!;
      if (Number.isFinite(y) && (!log || y > 0)) kept.push(log ? Math.log10(y) : y);
    }
  }
  if (!kept.length) return undefined;
  const sorted = Float64Array.from(kept).sort();
  const a = quantileSorted(sorted, OUTLIER_QUANTILES[0]);
  const b = quantileSorted(sorted, OUTLIER_QUANTILES[1]);
  if (isConstant(a, b)) return constantRange(log ? 10 ** a : a, log);
  const pad = (b - a) * PADDING;
  return log ? { min: 10 ** (a - pad), max: 10 ** (b + pad) } : { min: a - pad, max: b + pad };
}
