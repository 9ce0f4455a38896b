/** The calibration of a model's probabilities and the rest of a run's diagnostics report (diagnostics.json). */
import type { Flag } from './flags';

export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly accuracy: number;
  readonly confidence: number;
}

export interface Calibration {
  readonly ece: number;
  readonly mce: number;
  readonly brier: number;
  readonly bins: readonly CalibrationBin[];
  readonly temperature: number;
  readonly eceAfterTemperature: number;
  /**
   * True when `temperature` is the edge of its search range (0.05 or 20), not an estimate: the
   * validation set is too small or too cleanly separated to fit it. Do not apply it.
   */
  readonly temperatureAtBound?: boolean;
  /** Optional: the other figures after temperature scaling (the dashboard shows them when present). */
  readonly mceAfterTemperature?: number;
  readonly brierAfterTemperature?: number;
}

export interface SuspectedMislabeled {
  readonly row: number;
  readonly label: string;
  readonly suggested: string;
  readonly score: number;
}

export interface DiagnosticsReport {
  readonly flags: readonly Flag[];
  readonly calibration: Calibration | null;
  readonly suspectedMislabeled: readonly SuspectedMislabeled[];
}
