/** Small robust statistics the detectors share. All ignore nothing: callers pass finite values. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The median of the last `n` values of `values` (optionally mapped), sorting a reused `scratch`
 * array instead of allocating: the per-step detectors call it on every step.
 */
export function medianOfLast<T>(values: readonly T[], n: number, scratch: number[], pick: (v: T) => number): number {
  const count = Math.min(n, values.length);
  if (count === 0) return NaN;
  scratch.length = count;
  for (let i = 0; i < count; i++) scratch[i] = pick(values[values.length - count + i]!);
  scratch.sort((a, b) => a - b);
  const mid = count >> 1;
  return count % 2 ? scratch[mid]! : (scratch[mid - 1]! + scratch[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Linear-interpolated quantile (numpy's default "linear" method), q in [0, 1]. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** 1.4826 · MAD: a consistent estimator of the standard deviation for normal noise (Hampel 1974). */
export const MAD_TO_SIGMA = 1.4826;

export function robustSigma(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const m = median(values);
  return MAD_TO_SIGMA * median(values.map((v) => Math.abs(v - m)));
}

/**
 * The noise of a curve from its second differences x[i+1] - 2x[i] + x[i-1]: a straight trend
 * (falling or rising) cancels, white noise of spread σ gives differences of spread √6 σ, so
 * 1.4826 · median|d2| / √6 estimates σ, and the median ignores the few bends of the curve.
 * `skipCentre` leaves out the difference centred there (a known bend, e.g. a curve's minimum).
 * NaN when no difference is left.
 */
export function secondDifferenceNoise(values: readonly number[], skipCentre = -1): number {
  const d: number[] = [];
  for (let i = 1; i + 1 < values.length; i++) if (i !== skipCentre) d.push(Math.abs(values[i + 1]! - 2 * values[i]! + values[i - 1]!));
  return d.length === 0 ? NaN : (MAD_TO_SIGMA * median(d)) / Math.sqrt(6);
}

/**
 * As `secondDifferenceNoise`, but the spread of the second differences is taken about their median
 * instead of about 0 (1.4826 · MAD / √6): a bend the curve keeps for several epochs (the fall of an
 * exponential decay gives second differences of one sign) shifts them all alike and no longer counts
 * as noise. Also returns how many differences it used. NaN when none is left.
 */
export function centredSecondDifferenceNoise(values: readonly number[], skipCentre = -1): { sigma: number; count: number } {
  const d: number[] = [];
  for (let i = 1; i + 1 < values.length; i++) if (i !== skipCentre) d.push(values[i + 1]! - 2 * values[i]! + values[i - 1]!);
  return { sigma: d.length === 0 ? NaN : robustSigma(d) / Math.sqrt(6), count: d.length };
}

/** Chance-level cross-entropy of guessing uniformly over C classes: ln C. */
export function chanceLoss(classes: number): number {
  return Math.log(classes);
}

/**
 * The loss of a network whose output ignores its input and predicts the class prior: the prior's
 * entropy H(p) = -Σ p_k ln p_k (≤ ln C). A dead network's biases converge here.
 */
export function priorEntropy(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log(c / total);
  return h;
}

/** Rounds to 2 significant digits for messages and suggested config values (3e-4, not 0.00030000001). */
export function round2(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(2));
}

/** A number for a sentence: 3 significant digits, no exponent noise. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  // Shortest exponent form of the rounded value: 1e-4, 1.2e-5 (not 1.00e-4).
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return Number(x.toPrecision(digits)).toExponential();
  return String(Number(x.toPrecision(digits)));
}

export function pct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}
