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
  /** The y range set by the dashboard (constant series, ignored outliers); null = fitted by Chart.js. */
  readonly yMin: number | null;
  readonly yMax: number | null;
  /** Every series constant: the chart shows one line of text. */
  readonly collapsed: boolean;
  readonly constantText: string;
  readonly zoomed: boolean;
  /** Every text colour the chart draws with (ticks, axis titles, legend). */
  readonly textColors: readonly string[];
  /** The title of the tooltip shown now ('' without one). */
  readonly tooltipTitle: string;
  readonly logAllowed: boolean;
  readonly datasets: readonly { label: string; series: string; kind: 'raw' | 'smoothed' | 'non-finite'; hidden: boolean; color: string; data: readonly (XY | MarkerPoint)[] }[];
  /** Marker lines: id, x (data units), the lane label, the full title, colours. */
  readonly annotations: readonly { id: string; x: number; label: string; title: string; lineColor: string; textColor: string }[];
  /** Where the lane's labels were drawn (CSS px in the canvas). */
  readonly labelBoxes: readonly Box[];
  readonly droppedLabels: number;
  readonly plotArea: { left: number; top: number; right: number; bottom: number } | null;
  /** Every drawn data point (CSS px in the canvas). */
  readonly drawnPoints: readonly { x: number; y: number }[];
  readonly ariaLabel: string;
}

export interface Box {
  readonly text: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface BinPoint {
  x: number;
  y: number | null;
}

export interface CalibrationSummary {
  readonly shown: boolean;
  readonly accuracy: readonly BinPoint[];
  readonly confidence: readonly BinPoint[];
  /** The accuracy bars of the diagram after temperature scaling (empty when it is not drawn). */
  readonly accuracyAfter: readonly BinPoint[];
  readonly counts: readonly BinPoint[];
  /** ECE per epoch: x epoch, y ECE. */
  readonly eceTrend: readonly BinPoint[];
  readonly verdict: string;
  readonly verdictKind: string;
  /** Every text colour its charts draw with (ticks, axis titles, legends). */
  readonly textColors: readonly string[];
  readonly figures: Readonly<Record<string, string>>;
}

export interface RangeTestSummary {
  readonly shown: boolean;
  readonly state: string | null;
  readonly points: readonly XY[];
  readonly smoothed: readonly XY[];
  readonly annotations: readonly { id: string; x: number; label: string }[];
  readonly labelBoxes: readonly Box[];
}

export interface DashboardDebug {
  charts(): ChartSummary[];
  calibration(): CalibrationSummary;
  rangeTest(): RangeTestSummary;
  prefs(): Prefs;
  /** Completed renders: every chart drawn from the latest readings. */
  renders(): number;
  themeKind(): string;
  /** The colours the dashboard draws with (after the contrast adjustment). */
  theme(): { background: string; foreground: string; muted: string; grid: string; palette: readonly string[]; error: string; warning: string; info: string; best: string; text: Readonly<Record<string, string>> };
  /** How each run is named and coloured (a comparison's legend). */
  runLabels(): { id: string; label: string; tag: string; color: string }[];
  runCount(): number;
  stepCount(): number;
  /** Runs a pending render now (the benchmark times it); it changes nothing the user could not. */
  flush(): void;
  /** Durations (ms) of the render frames since the last call, oldest first (the benchmark reads them). */
  takeFrameTimes(): number[];
  /** Whether a render frame is scheduled (a live update not fully drawn yet). */
  pending(): boolean;
}
