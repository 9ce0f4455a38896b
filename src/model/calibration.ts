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
  /**
   * The other figures after temperature scaling, and the reliability bins of the rescaled
   * probabilities (the "after" diagram). Optional: diagnostics.json written before they existed lacks them.
   */
  readonly mceAfterTemperature?: number;
  readonly brierAfterTemperature?: number;
  readonly binsAfterTemperature?: readonly CalibrationBin[];
}

/** The ECE at the end of one epoch, before and (when the temperature is an estimate) after temperature scaling. */
export interface EceReading {
  readonly epoch: number;
  readonly ece: number;
  readonly eceAfterTemperature?: number;
}

/**
 * One epoch's point of the ECE trend. A temperature at its search bound is no estimate (see
 * `temperatureAtBound`), so the "after" figure is left out rather than drawn.
 */
export function eceReadingOf(epoch: number, c: Calibration): EceReading {
  return { epoch, ece: c.ece, ...(c.temperatureAtBound ? {} : { eceAfterTemperature: c.eceAfterTemperature }) };
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
  /** The validation ECE of every epoch that had outputs, oldest first (absent in older diagnostics.json). */
  readonly eceByEpoch?: readonly EceReading[];
  /**
   * Which rows the mislabeled-row check judged, and whether it could (outputs over enough epochs of
   * a model that learned): an empty `suspectedMislabeled` means "none" only when `checked`. Not
   * written to diagnostics.json (absent: a bundled run, whose training outputs are always there).
   */
  readonly mislabeledCheck?: { readonly rows: 'train' | 'validation'; readonly checked: boolean };
}
