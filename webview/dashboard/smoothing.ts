/**
 * Debiased exponential moving average, the TensorBoard scalar-dashboard convention
 * (tensorboard/plugins/scalar/tf_scalar_dashboard, `smoothing` in vz_line_chart2):
 *
 *   m_t = w * m_{t-1} + (1 - w) * y_t,   m_0 = 0
 *   s_t = m_t / (1 - w^k)                (k = number of finite values seen so far)
 *
 * Dividing by (1 - w^k) removes the pull towards the zero start (the Adam bias correction).
 * Non-finite readings are not averaged in: their smoothed value is NaN (a gap, like the raw line),
 * and the average carries on from the last finite reading.
 */

/** The default weight, TensorBoard's. */
export { DEFAULT_SMOOTHING } from '../../src/protocol/webview';
/** Weights are clamped below 1: w = 1 would freeze the average at its first value. */
export const MAX_SMOOTHING = 0.999;

/** Incremental smoother over a growing series; `extend` only processes the new tail. */
export class DebiasedEma {
  private last = 0;
  /** w^k for the k finite values so far, kept as a running product (Math.pow per point costs more than the rest of the loop). */
  private weightPower = 1;
  private done = 0;
  private out: Float64Array = new Float64Array(0);

  constructor(private weight: number) {}

  /** Smoothed values for `values[0..length)`; reuses earlier work when only new values were appended. */
  extend(values: Float64Array, length: number, weight: number): Float64Array {
    const w = Math.min(Math.max(weight, 0), MAX_SMOOTHING);
    if (w !== this.weight || length < this.done) this.reset(w);
    if (this.out.length < length) {
      const grown = new Float64Array(Math.max(length, this.out.length * 2, 16));
      grown.set(this.out.subarray(0, this.done));
      this.out = grown;
    }
    // Locals, not fields, in the loop: it runs over every reading of a million-step run in one frame.
    const out = this.out;
    const v = 1 - w;
    let last = this.last;
    let power = this.weightPower;
    for (let i = this.done; i < length; i++) {
      const y = values[i]!;
      // y - y is 0 for a finite y and NaN for NaN and ±∞: Number.isFinite without the call.
      if (y - y !== 0) {
        out[i] = Number.NaN;
        continue;
      }
      last = last * w + v * y;
      power *= w;
      out[i] = w === 0 ? y : last / (1 - power);
    }
    this.last = last;
    this.weightPower = power;
    this.done = length;
    return this.out;
  }

  private reset(weight: number): void {
    this.weight = weight;
    this.last = 0;
    this.weightPower = 1;
    this.done = 0;
  }
}

/** One-shot smoothing of a whole array (tests, small epoch series). */
export function debiasedEma(values: ArrayLike<number>, weight: number): Float64Array {
  const input = Float64Array.from(values);
  return new DebiasedEma(weight).extend(input, input.length, weight).slice(0, input.length);
}
