/**
 * Calibration of a classifier's validation outputs, as docs/run-folder.md defines `calibration`:
 *
 * - Top-label confidence: c_i = max_k p_ik; the prediction is that argmax (first index on ties);
 *   for a sigmoid output p = [1 - p1, p1], so c_i = max(p1, 1 - p1).
 * - Reliability bins: 15 equal-width bins over (0, 1] (Guo et al. 2017 use M = 15); bin b holds
 *   confidences in (b/15, (b+1)/15]. An empty bin has count 0 and accuracy = confidence = 0.
 * - ECE = Σ_b (n_b / n) |acc_b - conf_b|;  MCE = max over non-empty bins of |acc_b - conf_b|.
 * - Brier score (Brier 1950, multiclass form): mean over rows of Σ_k (p_ik - 1[y_i = k])², range
 *   [0, 2]. The same sum over both classes is used for a sigmoid output, so a binary Brier score
 *   here is twice the one-probability form mean (p1 - y)².
 * - `temperature` fitted on these same outputs (see temperature.ts); `eceAfterTemperature`,
 *   `mceAfterTemperature`, `brierAfterTemperature` and `binsAfterTemperature` are the same figures
 *   of the rescaled probabilities (in-sample: they show how much a single T explains).
 */
import type { Calibration, CalibrationBin, SplitOutputs } from '../model';
import { fitTemperature, scaledProbabilities, temperatureAtSearchBound } from './temperature';

/** Guo et al. 2017, "On Calibration of Modern Neural Networks", §2: M = 15 bins. */
export const CALIBRATION_BINS = 15;

export interface TopLabel {
  readonly confidence: Float64Array;
  /** 1 when the top-label prediction equals the label. */
  readonly correct: Uint8Array;
}

export function topLabel(probabilities: ArrayLike<number>, labels: ArrayLike<number>, rows: number, classes: number): TopLabel {
  const confidence = new Float64Array(rows);
  const correct = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestP = -Infinity;
    for (let k = 0; k < classes; k++) {
      const p = probabilities[i * classes + k]!;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    confidence[i] = bestP;
    correct[i] = best === labels[i] ? 1 : 0;
  }
  return { confidence, correct };
}

/** The bin of a confidence in (0, 1]: ceil(c·M) - 1, clamped (c = 0 goes to the first bin). */
export function binIndex(confidence: number, bins = CALIBRATION_BINS): number {
  return Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
}

export function reliabilityBins(top: TopLabel, bins = CALIBRATION_BINS): CalibrationBin[] {
  const count = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const conf = new Float64Array(bins);
  for (let i = 0; i < top.confidence.length; i++) {
    const b = binIndex(top.confidence[i]!, bins);
    count[b]!++;
    hits[b]! += top.correct[i]!;
    conf[b]! += top.confidence[i]!;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b]!,
    accuracy: count[b]! ? hits[b]! / count[b]! : 0,
    confidence: count[b]! ? conf[b]! / count[b]! : 0,
  }));
}

export function expectedCalibrationError(bins: readonly CalibrationBin[]): number {
  const n = bins.reduce((s, b) => s + b.count, 0);
  if (n === 0) return 0;
  return bins.reduce((s, b) => s + (b.count / n) * Math.abs(b.accuracy - b.confidence), 0);
}

export function maxCalibrationError(bins: readonly CalibrationBin[]): number {
  return bins.reduce((m, b) => (b.count > 0 ? Math.max(m, Math.abs(b.accuracy - b.confidence)) : m), 0);
}

/** ECE straight from confidences and hits (no bin objects): the inner loop of the resampling test. */
export function eceOf(confidence: ArrayLike<number>, correct: ArrayLike<number>, rows: number, bins = CALIBRATION_BINS): number {
  if (rows === 0) return 0;
  const count = new Float64Array(bins);
  const gap = new Float64Array(bins);
  for (let i = 0; i < rows; i++) {
    const b = binIndex(confidence[i]!, bins);
    count[b]!++;
    gap[b]! += correct[i]! - confidence[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) ece += Math.abs(gap[b]!);
  return ece / rows;
}

export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>, rows: number, classes: number): number {
  if (rows === 0) return 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < classes; k++) {
      const d = probabilities[i * classes + k]! - (labels[i] === k ? 1 : 0);
      total += d * d;
    }
  }
  return total / rows;
}

/** ECE, MCE, Brier and bins of given probabilities, without temperature fitting. */
export function calibrationOfProbabilities(probabilities: ArrayLike<number>, labels: ArrayLike<number>, rows: number, classes: number) {
  const top = topLabel(probabilities, labels, rows, classes);
  const bins = reliabilityBins(top);
  return { top, bins, ece: expectedCalibrationError(bins), mce: maxCalibrationError(bins), brier: brierScore(probabilities, labels, rows, classes) };
}

/** diagnostics.json's `calibration` object (docs/run-folder.md) for one split's outputs, temperature scaling included. */
export function computeCalibration(outputs: SplitOutputs): Calibration {
  const { rows, classes, labels } = outputs;
  const base = calibrationOfProbabilities(outputs.probabilities, labels, rows, classes);
  const temperature = fitTemperature(outputs);
  const after = calibrationOfProbabilities(scaledProbabilities(outputs, temperature), labels, rows, classes);
  return {
    ece: base.ece,
    mce: base.mce,
    brier: base.brier,
    bins: base.bins,
    temperature,
    eceAfterTemperature: after.ece,
    mceAfterTemperature: after.mce,
    brierAfterTemperature: after.brier,
    binsAfterTemperature: after.bins,
    temperatureAtBound: temperatureAtSearchBound(temperature),
  };
}
