/**
 * Is an ECE beyond what sampling noise explains? Consistency resampling (Bröcker & Smith 2007;
 * Vaicenavicius et al. 2019): draw a validation set of the same size from the model's own
 * confidences, with each prediction correct with probability equal to its confidence, i.e. a model
 * that is PERFECTLY calibrated by construction, and compute its ECE. Repeated, this is the
 * distribution of ECE that a calibrated model shows on this many rows at these confidences;
 * binned ECE is biased upward on small sets, and this null carries exactly that bias.
 * The p-value is (1 + #{null ECE ≥ observed}) / (R + 1).
 */
import { Rng } from '../rng';
import { eceOf } from './calibration';
import { quantile } from './stats';

export interface CalibrationSignificance {
  readonly pValue: number;
  /** The 95th percentile of the ECE a perfectly calibrated model shows on this many rows. */
  readonly nullEce95: number;
  readonly nullEce99: number;
  readonly resamples: number;
}

export function calibrationSignificance(confidence: Float64Array, observedEce: number, resamples: number, seed: number): CalibrationSignificance {
  const rows = confidence.length;
  if (rows === 0) return { pValue: 1, nullEce95: 0, nullEce99: 0, resamples: 0 };
  // The run's seeded stream picks the seed; the hot loop uses mulberry32 (Wiggers 2017) inline,
  // 32 random bits per draw are plenty for resampling and several times faster than a class call.
  let state = Rng.forRun(seed).stream('diagnostics/calibration').nextUint32();
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const conf = new Float64Array(rows);
  const hit = new Uint8Array(rows);
  const nulls: number[] = [];
  let atLeast = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < rows; i++) {
      const c = confidence[Math.floor(uniform() * rows)]!;
      conf[i] = c;
      hit[i] = uniform() < c ? 1 : 0;
    }
    const e = eceOf(conf, hit, rows);
    nulls.push(e);
    if (e >= observedEce) atLeast++;
  }
  return { pValue: (1 + atLeast) / (resamples + 1), nullEce95: quantile(nulls, 0.95), nullEce99: quantile(nulls, 0.99), resamples };
}
