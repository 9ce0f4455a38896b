/**
 * Shapes of the read-only test hook `window.__lossLensDebug`. Pure types (no DOM), so the
 * real-browser tests, which are type-checked with node's types, can import them.
 */
import type { Prefs } from './prefs';

export interface XY {
  x: number;
  y: number | null;
}

/** A non-finite reading drawn as a marker; `value` is what the run reported (null = NaN/Inf in JSON). */
export interface MarkerPoint {
  x: number;
  y: number;
  value: number | null;
}

export interface ChartSummary {
  readonly id: string;
  readonly xType: string;
  readonly yType: string;
  readonly xTitle: string;
  readonly tickColor: string;
  readonly datasets: readonly { label: string; series: string; kind: 'raw' | 'smoothed' | 'non-finite'; hidden: boolean; color: string; data: readonly (XY | MarkerPoint)[] }[];
  readonly annotations: readonly { id: string; x: number; label: string }[];
  readonly ariaLabel: string;
}

export interface BinPoint {
  x: number;
  y: number | null;
}

export interface CalibrationSummary {
  readonly shown: boolean;
  readonly accuracy: readonly BinPoint[];
  readonly confidence: readonly BinPoint[];
  readonly counts: readonly BinPoint[];
  readonly figures: Readonly<Record<string, string>>;
}

export interface RangeTestSummary {
  readonly shown: boolean;
  readonly state: string | null;
  readonly points: readonly XY[];
  readonly smoothed: readonly XY[];
  readonly annotations: readonly { id: string; x: number; label: string }[];
}

export interface DashboardDebug {
  charts(): ChartSummary[];
  calibration(): CalibrationSummary;
  rangeTest(): RangeTestSummary;
  prefs(): Prefs;
  /** Completed renders: every chart drawn from the latest readings. */
  renders(): number;
  themeKind(): string;
  runCount(): number;
  stepCount(): number;
  /** Runs a pending render now (the benchmark times it); it changes nothing the user could not. */
  flush(): void;
  /** Durations (ms) of the render frames since the last call, oldest first (the benchmark reads them). */
  takeFrameTimes(): number[];
  /** Whether a render frame is scheduled (a live update not fully drawn yet). */
  pending(): boolean;
}
