/**
 * The status bar's words, as pure functions (unit-tested without an editor). Status-bar UX
 * guidelines: short text, one icon; details go to the tooltip.
 */
import { runStateWords, type EpochMetrics, type RunState, type Severity, type StopReason } from '../model';

/**
 * A trend smaller than this fraction of the level shows as flat (→): epoch-to-epoch noise of a
 * converged run is around a percent.
 */
export const TREND_TOLERANCE = 0.005;
/** The epochs a trend is fitted over: enough to average out one noisy epoch, few enough to turn within a few. */
export const TREND_EPOCHS = 5;

export type Trend = '↓' | '↑' | '→' | '';

/**
 * The smoothed direction of a series' last `TREND_EPOCHS` finite values (losses: ↓ is good), so
 * the arrow does not flip on every epoch of noise: the least-squares slope across them, shown as ↓
 * or ↑ only when the change it predicts over the window is at least `TREND_TOLERANCE` of the level
 * and the slope is at least twice its standard error (with 3+ points; 2 points give the last change).
 * Empty with fewer than 2 finite values.
 */
export function trendOf(series: readonly (number | undefined)[]): Trend {
  const ys = series.filter((v): v is number => v !== undefined && Number.isFinite(v)).slice(-TREND_EPOCHS);
  const n = ys.length;
  if (n < 2) return '';
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - meanX) ** 2;
    sxy += (i - meanX) * (ys[i]! - meanY);
  }
  const slope = sxy / sxx;
  const level = Math.max(Math.abs(meanY), 1e-12);
  if (Math.abs(slope * (n - 1)) < TREND_TOLERANCE * level) return '→';
  if (n > 2) {
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (ys[i]! - (meanY + slope * (i - meanX))) ** 2;
    const standardError = Math.sqrt(sse / (n - 2) / sxx);
    if (Math.abs(slope) < 2 * standardError) return '→';
  }
  return slope < 0 ? '↓' : '↑';
}

/** Three significant digits, or "NaN"/"∞" for a diverged value. */
export function formatLoss(value: number | undefined): string {
  if (value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  return Math.abs(value) >= 1000 || (Math.abs(value) < 0.001 && value !== 0) ? value.toExponential(2) : value.toPrecision(3);
}

export interface StatusInput {
  readonly name: string;
  readonly state: RunState;
  readonly epochsPlanned: number;
  readonly epochs: readonly EpochMetrics[];
  /** The worst severity among the run's flags, if any. */
  readonly worstSeverity: Severity | undefined;
  /** Other live runs besides this one. */
  readonly otherLive: number;
}

const ICONS: Readonly<Record<RunState, string>> = {
  running: '$(pulse)',
  completed: '$(pass)',
  stopped: '$(debug-stop)',
  interrupted: '$(debug-disconnect)',
  failed: '$(error)',
};

/** The status item text, e.g. `$(pulse) 12/50 loss 0.412↓ val 0.455↑`. */
export function statusText(input: StatusInput): string {
  const icon = input.state === 'completed' && input.worstSeverity && input.worstSeverity !== 'info' ? `$(${input.worstSeverity})` : ICONS[input.state];
  const last = input.epochs.at(-1);
  const recent = input.epochs.slice(-TREND_EPOCHS);
  const more = input.otherLive > 0 ? ` +${input.otherLive}` : '';
  if (input.state === 'failed') return `${icon} ${input.name} failed${more}`;
  if (!last) return `${icon} ${input.name}: starting…${more}`;
  const epoch = input.epochsPlanned > 0 ? `${last.epoch}/${input.epochsPlanned}` : `${last.epoch}`;
  return `${icon} ${epoch} loss ${formatLoss(last.trainLoss)}${trendOf(recent.map((e) => e.trainLoss))} val ${formatLoss(last.valLoss)}${trendOf(recent.map((e) => e.valLoss))}${more}`;
}

/** Which background the item takes: none, warning or error (`statusBarItem.*Background`). */
export function statusBackground(worst: Severity | undefined, state: RunState): 'warning' | 'error' | undefined {
  if (state === 'failed' || worst === 'error') return 'error';
  if (worst === 'warning') return 'warning';
  return undefined;
}

/** A run's state in words with how far it got ("stopped at epoch 30 of 150"): model/runState.ts's one wording. */
export function runWords(run: { readonly state: RunState; readonly reason?: StopReason | undefined; readonly epochs: readonly EpochMetrics[]; readonly epochsPlanned: number }): string {
  return runStateWords({ state: run.state, reason: run.reason, epochsReached: run.epochs.at(-1)?.epoch ?? 0, epochsPlanned: run.epochsPlanned });
}

/** The lowest finite validation loss of a run and its epoch, if any (lists name it "best": it is not the last). */
export function bestValidation(run: { readonly epochs: readonly EpochMetrics[] }): { loss: number; epoch: number } | undefined {
  let best: { loss: number; epoch: number } | undefined;
  for (const e of run.epochs) if (Number.isFinite(e.valLoss) && (!best || e.valLoss < best.loss)) best = { loss: e.valLoss, epoch: e.epoch };
  return best;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * When a run started, as short as tells runs apart in a list (local time): "14:05" today,
 * "Dec 3 14:05" this year, "Dec 3 2025 14:05" before.
 */
export function formatStartTime(startedAt: number, now: number = Date.now()): string {
  const d = new Date(startedAt);
  const today = new Date(now);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (d.toDateString() === today.toDateString()) return time;
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  return d.getFullYear() === today.getFullYear() ? `${day} ${time}` : `${day} ${d.getFullYear()} ${time}`;
}

/**
 * "Exploding loss (epoch 1): the training loss became NaN..." — the title once, even when the
 * detector's message already starts with it.
 */
export function flagLine(title: string, flag: { readonly epoch: number; readonly message: string }): string {
  const message = flag.message.startsWith(`${title}:`) ? flag.message.slice(title.length + 1).trimStart() : flag.message;
  return `${title} (epoch ${flag.epoch}): ${message}`;
}
