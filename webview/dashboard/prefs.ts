/** The viewer's choices, kept in webview state so they survive a reload. */
import type { XAxisMode } from './store';
import { DEFAULT_SMOOTHING, MAX_SMOOTHING } from './smoothing';

export type Resolution = 'epoch' | 'step';

export interface Prefs {
  readonly smoothing: number;
  readonly xAxis: XAxisMode;
  readonly resolution: Resolution;
  readonly logY: boolean;
  readonly logX: boolean;
}

export const DEFAULT_PREFS: Prefs = { smoothing: DEFAULT_SMOOTHING, xAxis: 'epoch', resolution: 'step', logY: false, logX: false };

/** Reads prefs from untrusted saved state, falling back field by field to the defaults. */
export function parsePrefs(raw: unknown): Prefs {
  const p = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const smoothing = typeof p.smoothing === 'number' && p.smoothing >= 0 && p.smoothing <= MAX_SMOOTHING ? p.smoothing : DEFAULT_PREFS.smoothing;
  const xAxis = p.xAxis === 'epoch' || p.xAxis === 'step' || p.xAxis === 'time' ? p.xAxis : DEFAULT_PREFS.xAxis;
  const resolution = p.resolution === 'epoch' || p.resolution === 'step' ? p.resolution : DEFAULT_PREFS.resolution;
  return { smoothing, xAxis, resolution, logY: p.logY === true, logX: p.logX === true };
}
