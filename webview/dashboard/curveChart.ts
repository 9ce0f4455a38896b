/**
 * One curve chart (loss, accuracy, gradient norm, learning rate, or any other logged quantity): raw
 * and smoothed lines together, non-finite readings as markers along the top edge, the best epoch,
 * the overfitting onset and the flags' epochs as marker lines labelled in a lane above the plot, and
 * a data table for screen readers. Each chart has its own y scale (log where it makes sense),
 * drag/Ctrl+wheel zoom with a reset, and can be expanded to the whole panel. A chart whose every
 * series is constant collapses to one line of text.
 */
import type { ChartDataset, TooltipItem } from 'chart.js';
import { checkbox, button } from '../components';
import { Chart, chartTextColors, laneStyle, marker, STATIC_CHART_OPTIONS } from './chartSetup';
import { laneLabels, laneNeedsRelayout, setMarkers, type MarkerSpec } from './markerLane';
import type { ChartSummary, MarkerPoint, XY } from './debugTypes';
import { fillTextTable, setHidden } from './dataTable';
import { MinMaxDownsampler, minMaxDownsample } from './downsample';
import { flagHeadline, flagTitle } from './flagTitles';
import { formatNumber, formatPercent, toNumber } from './format';
import type { MetricDef, SeriesDef } from './metrics';
import type { Prefs } from './prefs';
import type { RunStyle } from './runIdentity';
import { DebiasedEma, debiasedEma } from './smoothing';
import { bestEpoch, epochX, runLength, type Column, type RunModel, type XAxisMode } from './store';
import { ensureContrast, faded, GRAPHIC_CONTRAST, TEXT_CONTRAST } from './contrast';
import type { Theme } from './theme';
import { constantRange, isConstant, outlierRange } from './yRange';

/** Epoch series with at most this many points draw their raw points as dots (so single readings show). */
const DOT_POINTS_UP_TO = 60;
/** Markers drawn for non-finite readings per series; beyond this the run has plainly diverged. */
const MAX_MARKERS = 2000;
/** Height (fraction of the plot) at which non-finite markers sit, on their own hidden 0..1 axis. */
const MARKER_HEIGHT = 0.96;
/** Tick labels Chart.js measures to fit an axis (its performance guide's `ticks.sampleSize`). */
const TICK_SAMPLE_SIZE = 8;
/** Rows in the accessible data table (the most recent ones). */
const MAX_TABLE_ROWS = 1000;
/** How far the raw trace is faded towards the background under a smoothed line (kept at 3:1 or more). */
const RAW_FADE = 0.55;

const X_TITLES: Readonly<Record<XAxisMode, string>> = { epoch: 'epoch', step: 'step', time: 'compute time (s)', wall: 'wall-clock time (s)', fraction: 'fraction of run' };

/** The time axis needs epoch durations; a log without them is drawn against epochs. */
function effectiveXAxis(run: RunModel, mode: XAxisMode): XAxisMode {
  return (mode === 'time' && !run.hasEpochTime) || (mode === 'wall' && !run.hasEpochWall) ? 'epoch' : mode;
}

/** Tooltip title naming the axis: "epoch 66", "step 7,890", "12.5 s of training", "45% of the run". */
export function xTitleText(mode: XAxisMode, x: number): string {
  if (mode === 'epoch') return `epoch ${Number.isInteger(x) ? x : x.toFixed(2)}`;
  if (mode === 'step') return `step ${Math.round(x).toLocaleString('en')}`;
  if (mode === 'time') return `${formatNumber(x)} s of compute`;
  if (mode === 'wall') return `${formatNumber(x)} s since the start`;
  return `${(x * 100).toFixed(1)}% of the run`;
}

type LLDataset = ChartDataset<'line', (XY | MarkerPoint)[]> & { llSeries: string; llKind: 'raw' | 'smoothed' | 'non-finite' };

interface SeriesArrays {
  xs: Float64Array;
  ys: Float64Array;
  length: number;
  fromSteps: boolean;
  /** Indices of non-finite readings when already known (per-step columns track them). */
  nonFinite?: readonly number[];
  /** Finite range when already known (columns keep it). */
  min?: number;
  max?: number;
}

/** Below this many readings a series is smoothed and bucketed within its chart's redraw (a few ms at most). */
const PREPARE_FROM = 100_000;
type CacheEntry = { config: string; smoother?: DebiasedEma; sampler?: MinMaxDownsampler; derived?: { data: Float64Array; length: number } };

/** First index in xs[0..length) with xs[i] >= x (xs non-decreasing). */
function lowerBound(xs: Float64Array, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface CurveChartOptions {
  /** Called when the user removes an added chart. */
  readonly onRemove?: () => void;
  /** Called when the user switches this chart's log scale (the dashboard keeps it in its prefs). */
  readonly onLogChange?: (log: boolean) => void;
}

export class CurveChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly box: HTMLElement;
  private readonly chart: Chart<'line', (XY | MarkerPoint)[]>;
  private readonly table: HTMLTableElement;
  private readonly details: HTMLDetailsElement;
  /** Shown above an empty plot when no run recorded this quantity (e.g. a log without accuracy). */
  private readonly note: HTMLParagraphElement;
  /** The one line a constant chart collapses to. */
  private readonly constantNote: HTMLParagraphElement;
  /** The marker key under the plot: every marker's full name, also those whose label found no room. */
  private readonly key: HTMLParagraphElement;
  private readonly tools: HTMLElement;
  private readonly resetButton: HTMLElement;
  private readonly expandButton: HTMLElement;
  private readonly caches = new WeakMap<RunModel, Map<string, CacheEntry>>();
  private readonly hiddenSeries = new Set<string>();
  private lastRuns: readonly RunModel[] = [];
  private lastPrefs: Prefs | undefined;
  private lastMode: XAxisMode = 'epoch';
  private drawnKey = '';
  private scalesKey = '';
  private markersKey = '';
  /** This chart's own y scale. */
  private logY = false;
  /** The zoomed x range (data units), or undefined for the whole run. */
  private zoom: { min: number; max: number } | undefined;
  private resetting = false;
  private expanded = false;
  private collapsed = false;
  /** The plot's width in CSS px, from a ResizeObserver: reading clientWidth in an update would force a layout of the page. */
  private width = 0;
  private ariaLabel = '';

  constructor(
    readonly def: MetricDef,
    private readonly requestRender: () => void,
    private readonly options: CurveChartOptions = {},
  ) {
    this.element = document.createElement('section');
    this.element.className = `ll-card ll-curve${def.extra ? ' ll-extra' : ''}`;
    this.element.dataset.chart = def.id;
    this.element.setAttribute('aria-labelledby', `ll-title-${def.id}`);
    const head = document.createElement('div');
    head.className = 'll-card-head';
    const heading = document.createElement('h2');
    heading.id = `ll-title-${def.id}`;
    heading.textContent = def.title;
    const tools = (this.tools = document.createElement('div'));
    tools.className = 'll-card-tools';
    const log = checkbox('log', false, (v) => this.setLog(v), `log-y-${def.id}`);
    log.setAttribute('aria-label', `Log scale for ${def.title}`);
    if (!def.logAllowed) {
      log.setAttribute('disabled', '');
      log.title = `${def.title} is a fraction between 0 and 1: a log scale would only bend it.`;
    }
    this.resetButton = button('Reset zoom', () => this.resetZoom(), { appearance: 'secondary', testId: `reset-zoom-${def.id}`, ariaLabel: `Reset the zoom of ${def.title}` });
    setHidden(this.resetButton, true);
    this.expandButton = button('Expand', () => this.setExpanded(!this.expanded), { appearance: 'secondary', testId: `expand-${def.id}`, ariaLabel: `Expand ${def.title} to the whole panel` });
    tools.append(log, this.resetButton, this.expandButton);
    if (options.onRemove) tools.append(button('Remove', options.onRemove, { appearance: 'secondary', testId: `remove-${def.id}`, ariaLabel: `Remove the ${def.title} chart` }));
    head.append(heading, tools);
    this.box = document.createElement('div');
    this.box.className = 'll-chart-box';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.dataset.chart = def.id;
    this.box.append(this.canvas);
    this.key = document.createElement('p');
    this.key.className = 'll-marker-key';
    setHidden(this.key, true);
    this.details = document.createElement('details');
    this.details.className = 'll-table';
    const summary = document.createElement('summary');
    summary.textContent = `${def.title}: data table`;
    this.table = document.createElement('table');
    this.details.append(summary, this.table);
    this.details.addEventListener('toggle', () => {
      if (this.details.open) this.fillTable();
    });
    this.note = document.createElement('p');
    this.note.className = 'll-muted ll-note';
    this.note.textContent = 'Not recorded in this run (no finite value: missing from the log, or NaN/Inf throughout).';
    setHidden(this.note, true);
    this.constantNote = document.createElement('p');
    this.constantNote.className = 'll-constant';
    setHidden(this.constantNote, true);
    this.element.append(head, this.note, this.constantNote, this.box, this.key, this.details);
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.expanded) this.setExpanded(false);
    });
    this.canvas.addEventListener('dblclick', () => this.resetZoom());
    new ResizeObserver((entries) => {
      const w = Math.round(entries[entries.length - 1]?.contentRect.width ?? 0);
      if (w && w !== this.width) {
        this.width = w;
        this.requestRender();
      }
    }).observe(this.box);
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        ...STATIC_CHART_OPTIONS,
        normalized: true,
        spanGaps: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {},
        plugins: {
          legend: {
            labels: { filter: (item, data) => (data.datasets[item.datasetIndex ?? 0] as LLDataset | undefined)?.llKind !== 'raw' || !this.hasSmoothed(), boxHeight: 2 },
            onClick: (_e, item) => this.toggleSeries(item.datasetIndex ?? -1),
          },
          tooltip: {
            callbacks: {
              title: (items: TooltipItem<'line'>[]) => (items[0] ? xTitleText(this.lastMode, (items[0].raw as XY).x) : ''),
              label: (ctx) => {
                const ds = ctx.dataset as LLDataset;
                const raw = ctx.raw as XY | MarkerPoint;
                const value = ds.llKind === 'non-finite' ? formatNumber((raw as MarkerPoint).value) : this.formatValue(raw.y ?? Number.NaN);
                return `${ds.label}: ${value}`;
              },
            },
          },
          zoom: {
            zoom: {
              drag: { enabled: true, threshold: 8 },
              wheel: { enabled: true, modifierKey: 'ctrl' },
              pinch: { enabled: true },
              mode: 'x',
              onZoomComplete: ({ chart }) => this.onZoomed(chart),
            },
            pan: { enabled: true, mode: 'x', modifierKey: 'shift', onPanComplete: ({ chart }) => this.onZoomed(chart) },
          },
        },
      },
    });
  }

  private hasSmoothed(): boolean {
    return (this.lastPrefs?.smoothing ?? 0) > 0;
  }

  get isLog(): boolean {
    return this.logY;
  }

  /** Sets the log scale from saved prefs (without a render request). */
  setLogFromPrefs(log: boolean): void {
    const allowed = log && this.def.logAllowed;
    if (allowed === this.logY) return;
    this.logY = allowed;
    const box = this.element.querySelector<HTMLElement & { checked: boolean }>(`[data-testid="log-y-${this.def.id}"]`);
    if (box) box.checked = allowed;
  }

  private setLog(log: boolean): void {
    this.logY = log && this.def.logAllowed;
    this.options.onLogChange?.(this.logY);
    this.requestRender();
  }

  private setExpanded(expanded: boolean): void {
    this.expanded = expanded;
    this.element.classList.toggle('ll-expanded', expanded);
    document.body.classList.toggle('ll-has-expanded', expanded);
    this.expandButton.textContent = expanded ? 'Close' : 'Expand';
    this.expandButton.setAttribute('aria-label', expanded ? `Close the expanded ${this.def.title} chart` : `Expand ${this.def.title} to the whole panel`);
    this.drawnKey = '';
    this.requestRender();
  }

  private onZoomed(chart: Chart): void {
    const x = chart.scales.x;
    // The plugin's resetZoom reports a zoom too: not one the user made.
    if (!x || this.resetting) return;
    this.zoom = { min: x.min, max: x.max };
    setHidden(this.resetButton, false);
    this.drawnKey = '';
    this.requestRender();
  }

  resetZoom(): void {
    if (!this.zoom) return;
    this.zoom = undefined;
    setHidden(this.resetButton, true);
    this.resetting = true;
    this.chart.resetZoom('none');
    this.resetting = false;
    this.scalesKey = '';
    this.drawnKey = '';
    this.requestRender();
  }

  private toggleSeries(datasetIndex: number): void {
    const ds = this.chart.data.datasets[datasetIndex] as LLDataset | undefined;
    if (!ds) return;
    if (this.hiddenSeries.has(ds.llSeries)) this.hiddenSeries.delete(ds.llSeries);
    else this.hiddenSeries.add(ds.llSeries);
    for (const d of this.chart.data.datasets as LLDataset[]) d.hidden = this.hiddenSeries.has(d.llSeries);
    this.chart.update('none');
  }

  private cache(run: RunModel, key: string, config: string): CacheEntry {
    let perRun = this.caches.get(run);
    if (!perRun) this.caches.set(run, (perRun = new Map()));
    let entry = perRun.get(key);
    if (!entry || entry.config !== config) perRun.set(key, (entry = { config }));
    return entry;
  }

  /** `map` applied to src[0..length), extended incrementally as the column grows. */
  private derived(run: RunModel, key: string, src: Float64Array, length: number, config: string, map: (v: number, i: number) => number): Float64Array {
    const entry = this.cache(run, `${key}:derived`, config);
    let d = entry.derived;
    if (!d || d.data.length < length) {
      const data = new Float64Array(Math.max(length, (d?.data.length ?? 0) * 2, 256));
      if (d) data.set(d.data.subarray(0, d.length));
      d = entry.derived = { data, length: d?.length ?? 0 };
    }
    if (length < d.length) d.length = 0;
    for (let i = d.length; i < length; i++) d.data[i] = map(src[i]!, i);
    d.length = length;
    return d.data;
  }

  private stepColumn(run: RunModel, s: SeriesDef): Column | undefined {
    const src = s.step;
    if (!src) return undefined;
    return 'field' in src ? run.steps[src.field] : run.steps[src.layer][src.index];
  }

  /**
   * The x and y values of one series. Per-step readings are used when asked for and recorded (a run
   * read back from disk has no per-step learning rate); otherwise the epoch records. An epoch field
   * that is absent (a foreign log without accuracy, say) is skipped, while null/NaN/Inf is kept as
   * a non-finite reading. Without recorded durations the time axis falls back to epochs.
   */
  private arrays(run: RunModel, s: SeriesDef, prefs: Prefs): SeriesArrays {
    const xAxis = effectiveXAxis(run, prefs.xAxis);
    const steps = run.steps;
    if (s.scalar !== undefined) return this.scalarArrays(run, s.scalar, xAxis);
    const column = this.stepColumn(run, s);
    if (column && column.finiteCount > 0 && (prefs.resolution === 'step' || s.epochField === undefined)) {
      let xs: Float64Array;
      if (xAxis === 'fraction') {
        const length = runLength(run);
        xs = this.derived(run, 'fraction', steps.epochPosition.data, steps.length, String(length), (v) => v / length);
      } else if (xAxis === 'wall') xs = this.interpolatedStepTimes(run, run.epochWall);
      else if (xAxis === 'time' && !steps.hasTime) xs = this.interpolatedStepTimes(run, run.epochTime);
      else xs = steps.x(xAxis).data;
      return { xs, ys: column.data, length: column.length, fromSteps: true, nonFinite: column.nonFinite, min: column.min, max: column.max };
    }
    if (!s.epochField) return { xs: new Float64Array(0), ys: new Float64Array(0), length: 0, fromSteps: false };
    const field = s.epochField;
    const xs: number[] = [];
    const ys: number[] = [];
    let finite = 0;
    run.epochs.forEach((e, i) => {
      const value = e[field] as number | null | undefined;
      if (value === undefined) return;
      const y = toNumber(value);
      if (Number.isFinite(y)) finite++;
      xs.push(xAxis === 'time' ? run.epochTime[i]! : xAxis === 'wall' ? run.epochWall[i]! : epochX(run, e.epoch, xAxis));
      ys.push(y);
    });
    // Logs from other trainers mark a metric they lack as NaN in every record: with no finite value
    // at all the series is "not recorded", not a row of NaN markers.
    if (finite === 0) return { xs: new Float64Array(0), ys: new Float64Array(0), length: 0, fromSteps: false };
    return { xs: Float64Array.from(xs), ys: Float64Array.from(ys), length: xs.length, fromSteps: false };
  }

  /**
   * A logged scalar in the chosen x axis: a per-step series at its step (in epochs: step / steps per
   * epoch), a per-epoch one at its epoch (on the step axis: the epoch's last step).
   */
  private scalarArrays(run: RunModel, which: NonNullable<SeriesDef['scalar']>, xAxis: XAxisMode): SeriesArrays {
    const c = run.scalars.find((x) => x.name === which.name && x.axis === which.axis);
    if (!c) return { xs: new Float64Array(0), ys: new Float64Array(0), length: 0, fromSteps: false };
    const perEpoch = Math.max(run.stepsPerEpoch, 1);
    const length = runLength(run);
    const xs = new Float64Array(c.value.length);
    for (let i = 0; i < xs.length; i++) {
      const x = c.x.data[i]!;
      const epochAt = c.axis === 'epoch' ? x : x / perEpoch;
      xs[i] = xAxis === 'step' ? (c.axis === 'step' ? x : epochX(run, x, 'step')) : xAxis === 'fraction' ? epochAt / length : epochAt;
    }
    return { xs, ys: c.value.data.subarray(0, c.value.length), length: c.value.length, fromSteps: false, min: c.value.min, max: c.value.max };
  }

  /**
   * Step times placed linearly within each epoch's span of `epochEnds` (for steps without their own
   * timing, and for wall-clock time, which only epochs record); the steps of an epoch still running
   * get the span of the one before.
   */
  private interpolatedStepTimes(run: RunModel, epochEnds: readonly number[]): Float64Array {
    const positions = run.steps.epochPosition;
    const out = new Float64Array(positions.length);
    const last = epochEnds.length;
    for (let i = 0; i < positions.length; i++) {
      const p = positions.data[i]!;
      const e = Math.max(Math.ceil(p), 1);
      const start = e >= 2 ? (epochEnds[Math.min(e, last + 1) - 2] ?? 0) : 0;
      const end = e <= last ? epochEnds[e - 1]! : start + (last >= 2 ? epochEnds[last - 1]! - epochEnds[last - 2]! : (epochEnds[0] ?? 0));
      out[i] = start + (end - start) * Math.min(1, Math.max(0, p - (e - 1)));
    }
    return out;
  }

  private smoothed(run: RunModel, key: string, a: SeriesArrays, weight: number): Float64Array {
    if (!a.fromSteps) return debiasedEma(a.ys.subarray(0, a.length), weight);
    const entry = this.cache(run, `${key}:smoother`, String(weight));
    entry.smoother ??= new DebiasedEma(weight);
    return entry.smoother.extend(a.ys, a.length, weight);
  }

  /**
   * Downsampled points: per-step series incrementally (they only grow), epoch series in one go. When
   * zoomed, only the readings in the window (and one either side, so lines reach the edges) are
   * downsampled afresh: zooming in shows every reading, none is lost to the full-range buckets.
   */
  private points(run: RunModel, key: string, a: SeriesArrays, ys: Float64Array, buckets: number, prefs: Prefs, weight: number): XY[] {
    if (this.zoom) {
      const from = Math.max(0, lowerBound(a.xs, a.length, this.zoom.min) - 1);
      const to = Math.min(a.length, lowerBound(a.xs, a.length, this.zoom.max) + 1);
      return minMaxDownsample(a.xs.subarray(from, to), ys.subarray(from, to), to - from, buckets, prefs.logX);
    }
    if (!a.fromSteps) return minMaxDownsample(a.xs, ys, a.length, buckets, prefs.logX);
    const entry = this.samplerEntry(run, key, buckets, prefs, weight);
    entry.sampler ??= new MinMaxDownsampler(buckets, prefs.logX);
    return entry.sampler.update(a.xs, ys, a.length);
  }

  /** The incremental sampler of one series' points, kept while its buckets, axis and smoothing stay. */
  private samplerEntry(run: RunModel, key: string, buckets: number, prefs: Prefs, weight: number): CacheEntry {
    return this.cache(run, `${key}:sampler`, JSON.stringify([buckets, prefs.xAxis, prefs.logX, weight, prefs.xAxis === 'fraction' ? runLength(run) : 0]));
  }

  /**
   * Does ahead of a redraw, one step per call, what is costly in it: a per-step series smoothed
   * afresh (the smoothing weight changed), then its buckets, each a pass over every reading. True
   * when it did such a step: the caller draws this chart in a later frame, so a smoothing change on
   * a 1,000,000-step run costs a few frames of one pass each instead of one long one.
   */
  prepare(runs: readonly RunModel[], prefs: Prefs): boolean {
    const w = prefs.smoothing;
    if (w <= 0 || this.zoom) return false;
    const buckets = Math.max(100, this.width || 800);
    for (const run of runs) {
      for (const s of this.def.series) {
        const a = this.arrays(run, s, prefs);
        if (!a.fromSteps || a.length < PREPARE_FROM) continue;
        const fresh = !this.cache(run, `${s.key}:smoother`, String(w)).smoother;
        const sm = this.smoothed(run, s.key, a, w);
        if (fresh) return true;
        if (this.samplerEntry(run, `${s.key}:smoothed`, buckets, prefs, w).sampler) continue;
        this.points(run, `${s.key}:smoothed`, a, sm, buckets, prefs, w);
        return true;
      }
    }
    return false;
  }

  /** Redraws from the runs (the first is primary; several = comparison). Returns false when nothing changed. */
  update(runs: readonly RunModel[], prefs: Prefs, theme: Theme, compare: boolean, styles: ReadonlyMap<string, RunStyle>): boolean {
    const buckets = Math.max(100, this.width || 800);
    const usesSteps = prefs.resolution === 'step' || this.def.extra === true;
    const key = JSON.stringify([runs.map((r) => [r.id, r.revision, usesSteps ? r.steps.length : 0, styles.get(r.id)?.color]), prefs, theme, compare, buckets, this.logY, this.zoom, [...this.hiddenSeries]]);
    const sameRuns = runs.length === this.lastRuns.length && runs.every((r, i) => r === this.lastRuns[i]);
    if (key === this.drawnKey && sameRuns) return false;
    this.drawnKey = key;
    this.lastRuns = runs;
    this.lastPrefs = prefs;
    const datasets: LLDataset[] = [];
    const markers: MarkerSpec[] = [];
    const forRange: { ys: Float64Array; length: number }[] = [];
    let allConstant = runs.length > 0;
    let constantValue = Number.NaN;
    runs.forEach((run, runIndex) => {
      const style = styles.get(run.id);
      const prefix = compare ? `${style?.label ?? run.name}: ` : '';
      for (const s of this.def.series) {
        const a = this.arrays(run, s, prefs);
        const base = compare ? (style?.color ?? theme.palette[runIndex % theme.palette.length]!) : theme.palette[s.role === 'train' ? 0 : 1]!;
        const dash = compare && s.role === 'train' ? [6, 4] : [];
        const seriesKey = `${run.id}:${s.key}`;
        const hidden = this.hiddenSeries.has(seriesKey);
        const label = `${prefix}${s.label}`;
        const smoothing = prefs.smoothing > 0;
        const dots = !a.fromSteps && a.length <= DOT_POINTS_UP_TO;
        if (a.length) {
          let min = a.min ?? Infinity;
          let max = a.max ?? -Infinity;
          if (a.min === undefined) {
            for (let i = 0; i < a.length; i++) {
              const v = a.ys[i]!;
              if (!Number.isFinite(v)) continue;
              if (v < min) min = v;
              if (v > max) max = v;
            }
          }
          // Constant charts collapse only when every series holds the same one value.
          if (Number.isFinite(min)) {
            if (isConstant(min, max) && (Number.isNaN(constantValue) || constantValue === min)) constantValue = min;
            else allConstant = false;
          }
          if (!hidden) forRange.push(this.zoom ? this.windowed(a) : { ys: a.ys, length: a.length });
        }
        const raw = smoothing ? faded(base, theme.background, RAW_FADE, GRAPHIC_CONTRAST) : base;
        datasets.push({
          type: 'line',
          label: smoothing ? `${label} (raw)` : label,
          llSeries: seriesKey,
          llKind: 'raw',
          hidden,
          data: this.points(run, `${s.key}:raw`, a, a.ys, buckets, prefs, -1),
          borderColor: raw,
          backgroundColor: raw,
          borderWidth: smoothing ? 1 : theme.lineWidth,
          // Under a smoothed line the raw trace stays solid: a dashed noisy trace is only clutter.
          borderDash: smoothing ? [] : dash,
          pointRadius: dots ? 2 : 0,
          pointHoverRadius: 4,
          tension: 0,
        });
        if (smoothing) {
          const sm = this.smoothed(run, s.key, a, prefs.smoothing);
          datasets.push({
            type: 'line',
            label,
            llSeries: seriesKey,
            llKind: 'smoothed',
            hidden,
            data: this.points(run, `${s.key}:smoothed`, a, sm, buckets, prefs, prefs.smoothing),
            borderColor: base,
            backgroundColor: base,
            borderWidth: theme.lineWidth,
            borderDash: dash,
            pointRadius: 0,
            pointHoverRadius: 4,
            tension: 0,
          });
        }
        const nonFinite: MarkerPoint[] = [];
        const indices: number[] = a.nonFinite ? [...a.nonFinite] : [];
        if (!a.nonFinite) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a.ys[i]!)) indices.push(i);
        for (const i of indices) {
          if (nonFinite.length >= MAX_MARKERS) break;
          if (!prefs.logX || a.xs[i]! > 0) nonFinite.push({ x: a.xs[i]!, y: MARKER_HEIGHT, value: a.ys[i]! });
        }
        if (nonFinite.length) {
          datasets.push({
            type: 'line',
            label: `${label}: not finite`,
            llSeries: seriesKey,
            llKind: 'non-finite',
            hidden,
            yAxisID: 'nonFinite',
            data: nonFinite,
            showLine: false,
            pointStyle: 'triangle',
            pointRotation: 180,
            pointRadius: 6,
            pointHoverRadius: 8,
            borderColor: theme.error,
            backgroundColor: theme.error,
          });
        }
      }
      markers.push(...this.markers(run, runIndex, prefs, theme, compare, style));
    });
    const hasData = datasets.some((d) => d.data.length > 0);
    this.collapse(this.def.collapsible && allConstant && hasData && !Number.isNaN(constantValue), constantValue, runs);
    const xAxis = runs[0] ? effectiveXAxis(runs[0], prefs.xAxis) : prefs.xAxis;
    this.lastMode = xAxis;
    this.applyScales(xAxis, prefs, theme, compare, hasData && allConstant ? constantValue : undefined, forRange);
    const markersKey = JSON.stringify([markers, theme.kind, theme.foreground]);
    if (markersKey !== this.markersKey) {
      this.markersKey = markersKey;
      setMarkers(this.chart as unknown as Chart, markers, laneStyle(theme));
      this.renderKey(markers);
    }
    const current = this.chart.data.datasets as LLDataset[];
    const sameShape = current.length === datasets.length && current.every((d, i) => d.llSeries === datasets[i]!.llSeries && d.llKind === datasets[i]!.llKind && d.label === datasets[i]!.label);
    if (sameShape) current.forEach((d, i) => Object.assign(d, datasets[i]));
    else this.chart.data.datasets = datasets;
    this.chart.update('none');
    // The marker lane found it needs another row count: lay out once more, now, so no frame shows a label over the plot.
    if (laneNeedsRelayout(this.chart as unknown as Chart)) this.chart.update('none');
    setHidden(this.key, markers.length === 0 || this.collapsed);
    setHidden(this.note, runs.length === 0 || hasData);
    const aria = this.describe(runs, compare, styles);
    if (aria !== this.ariaLabel) this.canvas.setAttribute('aria-label', (this.ariaLabel = aria));
    if (this.details.open) this.fillTable();
    return true;
  }

  private windowed(a: SeriesArrays): { ys: Float64Array; length: number } {
    const from = lowerBound(a.xs, a.length, this.zoom!.min);
    const to = lowerBound(a.xs, a.length, this.zoom!.max);
    return { ys: a.ys.subarray(from, to), length: Math.max(0, to - from) };
  }

  /** A chart of constant series shows one line of text instead of a quarter of the grid of flat line. */
  private collapse(collapsed: boolean, value: number, runs: readonly RunModel[]): void {
    this.collapsed = collapsed;
    this.element.classList.toggle('ll-collapsed', collapsed);
    setHidden(this.box, collapsed);
    setHidden(this.tools, collapsed);
    setHidden(this.constantNote, !collapsed);
    if (collapsed) {
      const epochs = Math.max(0, ...runs.map((r) => r.epochs.length));
      this.constantNote.textContent = `Constant at ${this.formatValue(value)}${epochs ? ` over ${epochs} epoch${epochs === 1 ? '' : 's'}` : ''}${runs.length > 1 ? ' in every run' : ''}.`;
    }
  }

  private applyScales(xAxis: XAxisMode, prefs: Prefs, theme: Theme, compare: boolean, constant: number | undefined, forRange: { ys: Float64Array; length: number }[]): void {
    const options = this.chart.options;
    const requested = prefs.xAxis;
    const xTitle = xAxis === requested ? X_TITLES[xAxis] : `${X_TITLES[xAxis]} (this log has no timings)`;
    const log = this.logY;
    // Chart.js re-resolves every option when an options object is replaced, so scales are only
    // replaced when their kind changes; the y range is set on the live object each update.
    const scalesKey = JSON.stringify([xTitle, prefs.logX, log, theme, compare, xAxis]);
    if (scalesKey !== this.scalesKey) {
      this.scalesKey = scalesKey;
      options.scales = {
        x: {
          type: prefs.logX ? 'logarithmic' : 'linear',
          // The axis ends at the data, so every chart of a run spans the same x range.
          bounds: 'data',
          title: { display: true, text: xTitle, color: theme.foreground },
          grid: { color: theme.grid },
          // Fixed rotation and a small sampleSize spare Chart.js measuring every tick label on each update.
          ticks: { color: theme.foreground, minRotation: 0, maxRotation: 0, sampleSize: TICK_SAMPLE_SIZE, ...(xAxis === 'fraction' ? { callback: (v) => `${Math.round(Number(v) * 100)}%` } : {}) },
          ...((xAxis === 'epoch' || xAxis === 'fraction') && !prefs.logX ? { min: 0 } : {}),
          ...(xAxis === 'fraction' && !prefs.logX ? { max: 1 } : {}),
        },
        y: {
          type: log ? 'logarithmic' : 'linear',
          title: { display: true, text: this.def.yLabel, color: theme.foreground },
          grid: { color: theme.grid },
          // Our own formatting (a constant learning rate otherwise shows as 0.00020000000000000004);
          // on a log axis only 1, 2 and 5 of each decade are labelled, so labels never overlap.
          ticks: { color: theme.foreground, sampleSize: TICK_SAMPLE_SIZE, callback: (value) => this.tickLabel(Number(value), log) },
        },
        nonFinite: { type: 'linear', axis: 'y', min: 0, max: 1, display: false },
      };
      (options.plugins as Record<string, unknown>).llBackground = { color: theme.background };
      options.plugins!.legend!.labels!.color = theme.foreground;
      options.plugins!.legend!.display = !compare;
      const zoom = options.plugins!.zoom!.zoom!;
      zoom.drag = { ...zoom.drag, backgroundColor: 'rgba(128, 128, 128, 0.15)', borderColor: theme.foreground, borderWidth: 1 };
    }
    const x = options.scales!.x!;
    if (this.zoom) Object.assign(x, { min: this.zoom.min, max: this.zoom.max });
    const y = options.scales!.y! as { min?: number; max?: number; beginAtZero?: boolean };
    let range: { min: number; max: number } | undefined;
    if (constant !== undefined) range = constantRange(constant, log);
    else if (prefs.ignoreOutliers) range = outlierRange(forRange, log);
    y.min = range?.min;
    y.max = range?.max;
  }

  private tickLabel(value: number, log: boolean): string {
    if (log) {
      const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
      if (![1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)) return '';
    }
    return this.def.percent ? formatPercent(value) : formatNumber(value, 3);
  }

  /** The run's marker lines: best epoch, overfitting onset, and each warning or error flag at its epoch. */
  private markers(run: RunModel, runIndex: number, prefs: Prefs, theme: Theme, compare: boolean, style: RunStyle | undefined): MarkerSpec[] {
    const xAxis = effectiveXAxis(run, prefs.xAxis);
    const out: MarkerSpec[] = [];
    const tag = compare ? (style?.tag ?? '') : '';
    const runColor = style?.color ?? theme.foreground;
    // In a comparison every line of a run takes the run's colour (its tag names it); alone, the kind's colour.
    const colors = (kind: 'best' | 'warning' | 'error'): [string, string] => (compare ? [runColor, ensureContrast(runColor, theme.background, TEXT_CONTRAST)] : [theme[kind], theme.text[kind]]);
    const best = bestEpoch(run);
    if (best !== undefined) {
      const [line, text] = colors('best');
      out.push(marker(`best-${runIndex}`, epochX(run, best, xAxis), line, text, `best ${best}`, { dash: [4, 4], tag, name: `${compare ? `${tag} ` : ''}best epoch ${best}`, title: `${compare ? `${style?.label}: ` : ''}best epoch ${best} (lowest validation loss)` }));
    }
    run.flags.forEach((flag, i) => {
      if (flag.severity === 'info') return;
      const onset = typeof flag.evidence.onsetEpoch === 'number' ? flag.evidence.onsetEpoch : undefined;
      const who = compare ? `${style?.label}: ` : '';
      if (onset !== undefined && flag.kind === 'overfitting') {
        const [line, text] = colors('warning');
        out.push(marker(`onset-${runIndex}-${i}`, epochX(run, onset, xAxis), line, text, `overfitting from ${onset}`, { tag, name: `${compare ? `${tag} ` : ''}overfitting from epoch ${onset}`, title: `${who}overfitting from epoch ${onset}` }));
      }
      const x = xAxis === 'step' && flag.step !== undefined ? flag.step : epochX(run, flag.epoch, xAxis);
      const [line, text] = colors(flag.severity === 'error' ? 'error' : 'warning');
      out.push(marker(`flag-${runIndex}-${i}`, x, line, text, `${flagTitle(flag.kind)} ${flag.epoch}`, { dash: [2, 3], tag, name: `${compare ? `${tag} ` : ''}${flagTitle(flag.kind)}, epoch ${flag.epoch}`, title: `${who}${flagHeadline(flag)} (epoch ${flag.epoch})` }));
    });
    return out.filter((m) => Number.isFinite(m.x) && (!prefs.logX || m.x > 0));
  }

  /** The key under the plot: each marker's full name, in its colour; hidden without markers. */
  private renderKey(markers: readonly MarkerSpec[]): void {
    this.key.replaceChildren();
    const seen = new Set<string>();
    for (const m of markers) {
      if (seen.has(m.name)) continue;
      seen.add(m.name);
      const item = document.createElement('span');
      item.className = 'll-key-item';
      item.title = m.title;
      const swatch = document.createElement('span');
      swatch.className = `ll-key-line${m.dash.length ? ' ll-dashed' : ''}`;
      swatch.style.borderColor = m.lineColor;
      swatch.setAttribute('aria-hidden', 'true');
      const text = document.createElement('span');
      text.textContent = m.name;
      text.style.color = m.textColor;
      item.append(swatch, text);
      this.key.append(item);
    }
  }

  private describe(runs: readonly RunModel[], compare: boolean, styles: ReadonlyMap<string, RunStyle>): string {
    const epochSeries = this.def.series.filter((s) => s.epochField);
    const parts = runs.map((run) => {
      const last = run.epochs[run.epochs.length - 1];
      const values = epochSeries.map((s) => `${s.label} ${last ? this.formatValue(toNumber(last[s.epochField!])) : 'no data'}`).join(', ');
      const best = bestEpoch(run);
      return `${compare ? `${styles.get(run.id)?.label ?? run.name}: ` : ''}${run.epochs.length} epochs${last && values ? `, latest ${values}` : ''}${best !== undefined && this.def.id === 'loss' ? `, best epoch ${best}` : ''}`;
    });
    return `${this.def.title} chart. ${parts.join('. ')}. A data table follows.`;
  }

  private formatValue(v: number): string {
    return this.def.percent ? formatPercent(v) : formatNumber(v);
  }

  private fillTable(): void {
    const runs = this.lastRuns;
    const compare = runs.length > 1;
    const series = this.def.series.filter((s) => s.epochField);
    const caption = `${this.def.title} per epoch${runs.some((r) => r.epochs.length > MAX_TABLE_ROWS) ? ` (latest ${MAX_TABLE_ROWS} epochs)` : ''}`;
    const columns = [...(compare ? ['run', 'epoch'] : ['epoch']), ...series.map((s) => s.label)];
    const rows = runs.flatMap((run) =>
      run.epochs.slice(-MAX_TABLE_ROWS).map((e) => [...(compare ? [run.name, String(e.epoch)] : [String(e.epoch)]), ...series.map((s) => this.formatValue(toNumber(e[s.epochField!])))]),
    );
    fillTextTable(this.table, caption, columns, rows);
  }

  /** Pixel positions (CSS px in the canvas) of every drawn point, for the tests' overlap check. */
  private drawnPoints(): { x: number; y: number }[] {
    const out: { x: number; y: number }[] = [];
    this.chart.data.datasets.forEach((d, i) => {
      if (d.hidden) return;
      for (const el of this.chart.getDatasetMeta(i).data) if (Number.isFinite(el.x) && Number.isFinite(el.y) && !(el as unknown as { skip?: boolean }).skip) out.push({ x: el.x, y: el.y });
    });
    return out;
  }

  summary(): ChartSummary {
    const scales = this.chart.options.scales as Record<string, { type?: string; min?: number; max?: number; title?: { text?: string }; ticks?: { color?: unknown } }>;
    const lane = laneLabels(this.chart as unknown as Chart);
    const area = this.chart.chartArea;
    return {
      id: this.def.id,
      xType: scales.x?.type ?? '',
      yType: scales.y?.type ?? '',
      xTitle: String(scales.x?.title?.text ?? ''),
      tickColor: String(scales.x?.ticks?.color ?? ''),
      yMin: scales.y?.min ?? null,
      yMax: scales.y?.max ?? null,
      collapsed: this.collapsed,
      constantText: this.collapsed ? (this.constantNote.textContent ?? '') : '',
      zoomed: this.zoom !== undefined,
      tooltipTitle: (this.chart.tooltip?.title ?? []).join(' '),
      textColors: chartTextColors(this.chart as unknown as Chart),
      logAllowed: this.def.logAllowed,
      datasets: (this.chart.data.datasets as LLDataset[]).map((d) => ({
        label: String(d.label),
        series: d.llSeries,
        kind: d.llKind,
        hidden: Boolean(d.hidden),
        color: String(d.borderColor),
        data: d.data.map((p) => ({ ...p })),
      })),
      annotations: lane.markers.map((m) => ({ id: m.id, x: m.x, label: `${m.tag ? `${m.tag} ` : ''}${m.text}`, title: m.title, lineColor: m.lineColor, textColor: m.textColor })),
      labelBoxes: lane.boxes.map((b) => ({ ...b })),
      droppedLabels: lane.dropped,
      plotArea: area ? { left: area.left, top: area.top, right: area.right, bottom: area.bottom } : null,
      drawnPoints: this.drawnPoints(),
      ariaLabel: this.canvas.getAttribute('aria-label') ?? '',
    };
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png', 1);
  }

  get isCollapsed(): boolean {
    return this.collapsed;
  }

  destroy(): void {
    this.chart.destroy();
    this.element.remove();
  }
}
