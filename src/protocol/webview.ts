/**
 * Host <-> dashboard webview messages, and every type the webview draws from: the webview imports
 * only webview/ and this folder. The webview posts `webview/didBecomeReady` first; the host sends
 * nothing before that. Everything the webview sends is validated by the host (`parseWebviewToHost`):
 * the webview can only name runs it was shown (by id), never a path.
 */
import type { Calibration, EceReading, EpochMetrics, Flag, RangePoint, RangeSuggestion, RunState, ScalarSeries, StepStats, StopReason } from '../model';

// The run model's readings, flags and their vocabulary, as the wire carries them.
export type { Calibration, CalibrationBin, ConfigEdit, EceReading, EpochMetrics, Fix, Flag, FlagKind, RangePoint, RunState, ScalarSeries, Severity, StepStats, StopReason } from '../model';
// ...and the pure functions every view of a flag or a number uses, so the dashboard reads as the editor does.
export { eceReadingOf, FLAG_TITLES, fixAction, flagHeadline, flagTitle, formatNumber, formatPercent, MAX_HEADLINE, runStateWord, severityRank } from '../model';

/**
 * How exported chart PNGs look (the `lossLens.export.chartStyle` setting): `paper`, white with dark
 * text for documents and slides, or `editor`, the editor's theme. Both are titled (run and metric).
 */
export type ExportStyle = 'paper' | 'editor';
export const EXPORT_STYLES: readonly ExportStyle[] = ['paper', 'editor'];
export const DEFAULT_EXPORT_STYLE: ExportStyle = 'paper';

/** The default of `lossLens.chart.smoothing` (package.json declares the same): TensorBoard's debiased EMA weight. */
export const DEFAULT_SMOOTHING = 0.6;

/** A calibration as the dashboard draws it: the run model's, "after" figures and bins included when computed. */
export type CalibrationReading = Calibration;

/** A run as the dashboard shows it. `id` is opaque to the webview (the host maps it to a folder). */
export interface RunSnapshot {
  readonly id: string;
  readonly name: string;
  readonly state: RunState;
  readonly reason?: StopReason;
  readonly startedAt: number;
  readonly classes: readonly string[];
  /** Planned epochs (for progress) and steps per epoch (for a step axis). */
  readonly epochsPlanned: number;
  readonly stepsPerEpoch: number;
  readonly epochs: readonly EpochMetrics[];
  readonly steps: readonly StepStats[];
  readonly flags: readonly Flag[];
  readonly calibration: CalibrationReading | null;
  readonly error?: string;
  /**
   * Whether the run has a config its fixes can edit (a Loss Lens run). False for another trainer's
   * log: the dashboard shows its fixes as advice, with no "Apply" or "Open config". Absent: true.
   */
  readonly configurable?: boolean;
  /**
   * Optional, for Compare Runs: the run's resolved config (config.json), so the dashboard can show the
   * keys that differ between runs. Plain JSON.
   */
  readonly config?: unknown;
  /** Optional: the ECE of each epoch so far (a live run's later ones arrive with `run/didProgress`). */
  readonly eceByEpoch?: readonly EceReading[];
  /**
   * Optional: other scalars the run logged, each chartable from the dashboard's "Add chart" list. The
   * host keeps at most MAX_SCALAR_POINTS per series (src/store/scalarSeries.ts), thinned keeping each
   * neighbourhood's lowest and highest value; live points arrive whole with `run/didProgress`.
   */
  readonly scalars?: readonly ScalarSeries[];
}

/**
 * A learning-rate range test as the dashboard draws it (fastai's lr_find plot): the loss of each
 * stage against its rate, the smoothed curve, and the rates the suggestion read. `id` is opaque: the
 * webview can only ask the host to apply the suggestion of the test it was shown.
 */
export interface RangeTestSnapshot extends RangeSuggestion {
  readonly id: string;
  /** The config's name and file, for the heading. */
  readonly name: string;
  readonly file: string;
  readonly state: 'running' | 'completed' | 'stopped' | 'failed';
  readonly stagesPlanned: number;
  /** Each stage's mean loss at its rate (the suggestion's fields read the smoothed curve). */
  readonly points: readonly RangePoint[];
  /** The config's learning rate now. */
  readonly current: number;
  /** Once it ended: the verdict for a person (the suggestion, why there is none, or the error). */
  readonly message?: string;
}

/** Host -> webview. */
export type HostToWebview =
  /** Host -> webview: replace what is shown with these runs; the first is the primary one. */
  | { readonly type: 'runs/didLoad'; readonly runs: readonly RunSnapshot[]; readonly compare: boolean }
  /**
   * Host -> webview: new readings of a live run (batched, at most ~20 a second). An epoch already
   * sent may come again, revised (a log file that flushed late): it replaces the earlier one.
   * `scalars`: new points of other series, appended to the series of the same name and axis.
   */
  | { readonly type: 'run/didProgress'; readonly runId: string; readonly steps: readonly StepStats[]; readonly epochs: readonly EpochMetrics[]; readonly calibration?: CalibrationReading; readonly scalars?: readonly ScalarSeries[] }
  /**
   * Host -> webview: a flag was raised or escalated on a run. Without `index` it is appended to the
   * run's flag list; with `index` it replaces the flag there (an escalation). `fix/apply.flagIndex`
   * is a position in that same list.
   */
  | { readonly type: 'run/didFlag'; readonly runId: string; readonly flag: Flag; readonly index?: number }
  /**
   * Host -> webview: a run changed state (finished, stopped, failed). Its final flags and calibration
   * come along: the end of a run may refine them (diagnostics.json). `eceByEpoch`, when present,
   * replaces the trend built from progress (which has only each batch's last epoch).
   */
  | { readonly type: 'run/didChangeState'; readonly runId: string; readonly state: RunState; readonly reason?: StopReason; readonly error?: string; readonly flags: readonly Flag[]; readonly calibration: CalibrationReading | null; readonly eceByEpoch?: readonly EceReading[] }
  /** Host -> webview: user preferences that affect drawing. */
  | { readonly type: 'settings/didChange'; readonly smoothing: number }
  /**
   * Host -> webview: a request to render the charts to titled images in `style`; answered by
   * `export/didRender` with the same `requestId`.
   */
  | { readonly type: 'export/render'; readonly requestId: string; readonly style: ExportStyle }
  /** Host -> webview: show (or update, stage by stage) a learning-rate range test; null removes it. */
  | { readonly type: 'rangeTest/didUpdate'; readonly rangeTest: RangeTestSnapshot | null };

/** Webview -> host. */
export type WebviewToHost =
  /** Webview -> host: the webview's script is running and can receive messages. */
  | { readonly type: 'webview/didBecomeReady' }
  /** Webview -> host: apply a flag's fix to the run's config, optionally training again. */
  | { readonly type: 'fix/apply'; readonly runId: string; readonly flagIndex: number; readonly fixIndex: number; readonly retrain: boolean }
  /** Webview -> host: open the config file of a run in an editor. */
  | { readonly type: 'config/open'; readonly runId: string }
  /** Webview -> host: stop a live run. */
  | { readonly type: 'run/stop'; readonly runId: string }
  /** Webview -> host: write the shown range test's suggestion into its config, optionally training it. */
  | { readonly type: 'rangeTest/apply'; readonly id: string; readonly retrain: boolean }
  /** Webview -> host: the user closed the range test. */
  | { readonly type: 'rangeTest/close'; readonly id: string }
  /** Webview -> host: the response to `export/render` (same `requestId`): the charts as images. */
  | { readonly type: 'export/didRender'; readonly requestId: string; readonly images: readonly { readonly name: string; readonly pngDataUrl: string }[] };


/**
 * What the dashboard keeps with `setState` (its own prefs and a copy of the runs' epochs ride along,
 * opaque to the host). The host's `WebviewPanelSerializer` reads it back with `parseDashboardState`
 * to know which runs to re-send after a reload.
 */
export interface DashboardState {
  readonly runIds: readonly string[];
  readonly compare: boolean;
}

/** Validates the state a restored webview hands back; undefined if it is not a dashboard state. */
export function parseDashboardState(raw: unknown): DashboardState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { runIds, compare } = raw as Record<string, unknown>;
  if (!Array.isArray(runIds) || runIds.length > 50 || !runIds.every(isId)) return undefined;
  return { runIds: runIds as string[], compare: compare === true };
}

const MAX_ID = 200;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1000;

/**
 * Bounds on what an export may carry. A chart's PNG is a few hundred kB even at 3x pixel density; a
 * webview that sends more is not one of ours, and the host never holds more than MAX_EXPORT_BYTES of it.
 */
export const MAX_EXPORT_IMAGES = 12;
export const MAX_EXPORT_IMAGE_CHARS = 4_000_000;
export const MAX_EXPORT_BYTES = 16_000_000;
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

function parseExportImages(requestId: string, raw: unknown): Extract<WebviewToHost, { type: 'export/didRender' }> | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_EXPORT_IMAGES) return undefined;
  const images: { name: string; pngDataUrl: string }[] = [];
  let total = 0;
  for (const img of raw as unknown[]) {
    if (typeof img !== 'object' || img === null) return undefined;
    const { name, pngDataUrl } = img as Record<string, unknown>;
    if (typeof name !== 'string' || !/^[\w-]{1,64}$/.test(name)) return undefined;
    if (typeof pngDataUrl !== 'string' || pngDataUrl.length > MAX_EXPORT_IMAGE_CHARS || !PNG_DATA_URL.test(pngDataUrl)) return undefined;
    total += pngDataUrl.length;
    if (total > MAX_EXPORT_BYTES) return undefined;
    images.push({ name, pngDataUrl });
  }
  return { type: 'export/didRender', requestId, images };
}

/** Validates an untrusted message from a webview; returns it typed, or undefined if malformed. */
export function parseWebviewToHost(raw: unknown): WebviewToHost | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'webview/didBecomeReady':
      return { type: 'webview/didBecomeReady' };
    case 'fix/apply':
      return isId(m.runId) && isIndex(m.flagIndex) && isIndex(m.fixIndex) && typeof m.retrain === 'boolean'
        ? { type: 'fix/apply', runId: m.runId, flagIndex: m.flagIndex, fixIndex: m.fixIndex, retrain: m.retrain }
        : undefined;
    case 'config/open':
    case 'run/stop':
      return isId(m.runId) ? { type: m.type, runId: m.runId } : undefined;
    case 'rangeTest/apply':
      return isId(m.id) && typeof m.retrain === 'boolean' ? { type: 'rangeTest/apply', id: m.id, retrain: m.retrain } : undefined;
    case 'rangeTest/close':
      return isId(m.id) ? { type: 'rangeTest/close', id: m.id } : undefined;
    case 'export/didRender':
      return isId(m.requestId) ? parseExportImages(m.requestId, m.images) : undefined;
    default:
      return undefined;
  }
}
