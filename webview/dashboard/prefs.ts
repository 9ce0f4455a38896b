/** The viewer's choices, kept in webview state so they survive a reload. */
import type { XAxisMode } from './store';
import { DEFAULT_SMOOTHING, MAX_SMOOTHING } from './smoothing';

export type Resolution = 'epoch' | 'step';

export interface Prefs {
  readonly smoothing: number;
  readonly xAxis: XAxisMode;
  readonly resolution: Resolution;
  /** The charts (by id) drawn on a log y scale: each chart has its own. */
  readonly logCharts: readonly string[];
  readonly logX: boolean;
  /** Fit y to the 5th–95th percentile (TensorBoard's "Ignore outliers in chart scaling"). */
  readonly ignoreOutliers: boolean;
  /** Added charts (ids from `extraMetrics`), in the order they were added. */
  readonly extraCharts: readonly string[];
}

export const DEFAULT_PREFS: Prefs = { smoothing: DEFAULT_SMOOTHING, xAxis: 'epoch', resolution: 'step', logCharts: [], logX: false, ignoreOutliers: false, extraCharts: [] };

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length <= 200).slice(0, 50) : []);

/** Reads prefs from untrusted saved state, falling back field by field to the defaults. */
export function parsePrefs(raw: unknown): Prefs {
  const p = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const smoothing = typeof p.smoothing === 'number' && p.smoothing >= 0 && p.smoothing <= MAX_SMOOTHING ? p.smoothing : DEFAULT_PREFS.smoothing;
  const xAxis = p.xAxis === 'epoch' || p.xAxis === 'step' || p.xAxis === 'time' || p.xAxis === 'fraction' || p.xAxis === 'wall' ? p.xAxis : DEFAULT_PREFS.xAxis;
  const resolution = p.resolution === 'epoch' || p.resolution === 'step' ? p.resolution : DEFAULT_PREFS.resolution;
  // A state saved before charts had their own scales had one `logY` for all: it meant the loss chart.
  const logCharts = p.logCharts !== undefined ? ids(p.logCharts) : p.logY === true ? ['loss'] : [];
  return { smoothing, xAxis, resolution, logCharts, logX: p.logX === true, ignoreOutliers: p.ignoreOutliers === true, extraCharts: ids(p.extraCharts) };
}
