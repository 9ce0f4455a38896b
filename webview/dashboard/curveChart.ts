/**
 * One curve chart (loss, accuracy, gradient norm or learning rate): raw and smoothed lines together,
 * non-finite readings as markers along the top edge, the best epoch, the overfitting onset and the
 * flags' epochs as vertical lines, and a data table for screen readers.
 */
import type { ChartDataset } from 'chart.js';
import type { AnnotationOptions } from 'chartjs-plugin-annotation';
import { Chart, markerLine, STATIC_CHART_OPTIONS } from './chartSetup';
import type { ChartSummary, MarkerPoint, XY } from './debugTypes';
import { fillTextTable } from './dataTable';
import { MinMaxDownsampler, minMaxDownsample } from './downsample';
import { flagTitle } from './flagTitles';
import { formatNumber, formatPercent, toNumber } from './format';
import type { MetricDef, SeriesDef } from './metrics';
import type { Prefs } from './prefs';
import { DebiasedEma, debiasedEma } from './smoothing';
import { bestEpoch, epochX, type RunModel, type XAxisMode } from './store';
import { withAlpha, type Theme } from './theme';

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

const X_TITLES: Readonly<Record<XAxisMode, string>> = { epoch: 'epoch', step: 'step', time: 'training time (s)' };

/** The time axis needs epoch durations; a log without them is drawn against epochs. */
function effectiveXAxis(run: RunModel, mode: XAxisMode): XAxisMode {
  return mode === 'time' && !run.hasEpochTime ? 'epoch' : mode;
}

type LLDataset = ChartDataset<'line', (XY | MarkerPoint)[]> & { llSeries: string; llKind: 'raw' | 'smoothed' | 'non-finite' };

interface SeriesArrays {
  xs: Float64Array;
  ys: Float64Array;
  length: number;
  fromSteps: boolean;
  /** Indices of non-finite readings when already known (per-step columns track them). */
  nonFinite?: readonly number[];
}

export class CurveChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly chart: Chart<'line', (XY | MarkerPoint)[]>;
  private readonly table: HTMLTableElement;
  private readonly details: HTMLDetailsElement;
  /** Shown above an empty plot when no run recorded this quantity (e.g. a log without accuracy). */
  private readonly note: HTMLParagraphElement;
  /**
   * Incremental state per run object (a re-sent run is a new object, so nothing stale survives):
   * the smoother and the downsamplers of its per-step series, each with the settings it was built for.
   */
  private readonly caches = new WeakMap<RunModel, Map<string, { config: string; smoother?: DebiasedEma; sampler?: MinMaxDownsampler }>>();
  private readonly hiddenSeries = new Set<string>();
  private lastRuns: readonly RunModel[] = [];
  private lastPrefs: Prefs | undefined;
  /** What the chart was last drawn from; an update with the same inputs does nothing. */
  private drawnKey = '';
  private scalesKey = '';
  private annotationsKey = '';

  constructor(readonly def: MetricDef) {
    this.element = document.createElement('section');
    this.element.className = 'll-card ll-curve';
    this.element.dataset.chart = def.id;
    this.element.setAttribute('aria-labelledby', `ll-title-${def.id}`);
    const heading = document.createElement('h2');
    heading.id = `ll-title-${def.id}`;
    heading.textContent = def.title;
    const box = document.createElement('div');
    box.className = 'll-chart-box';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.dataset.chart = def.id;
    box.append(this.canvas);
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
    this.note.hidden = true;
    this.element.append(heading, this.note, box, this.details);
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
              label: (ctx) => {
                const ds = ctx.dataset as LLDataset;
                const raw = ctx.raw as XY | MarkerPoint;
                const value = ds.llKind === 'non-finite' ? formatNumber((raw as MarkerPoint).value) : formatNumber(raw.y);
                return `${ds.label}: ${value}`;
              },
            },
          },
        },
      },
    });
  }

  private hasSmoothed(): boolean {
    return (this.lastPrefs?.smoothing ?? 0) > 0;
  }

  private toggleSeries(datasetIndex: number): void {
    const ds = this.chart.data.datasets[datasetIndex] as LLDataset | undefined;
    if (!ds) return;
    if (this.hiddenSeries.has(ds.llSeries)) this.hiddenSeries.delete(ds.llSeries);
    else this.hiddenSeries.add(ds.llSeries);
    for (const d of this.chart.data.datasets as LLDataset[]) d.hidden = this.hiddenSeries.has(d.llSeries);
    this.chart.update('none');
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
    if (prefs.resolution === 'step' && s.stepField && steps[s.stepField].finiteCount > 0) {
      const column = steps[s.stepField];
      let xs: Float64Array = steps.x(xAxis).data;
      if (xAxis === 'time' && !steps.hasTime) xs = this.interpolatedStepTimes(run);
      return { xs, ys: column.data, length: column.length, fromSteps: true, nonFinite: column.nonFinite };
    }
    const xs: number[] = [];
    const ys: number[] = [];
    let finite = 0;
    run.epochs.forEach((e, i) => {
      const value = e[s.epochField] as number | null | undefined;
      if (value === undefined) return;
      const y = toNumber(value);
      if (Number.isFinite(y)) finite++;
      xs.push(xAxis === 'epoch' ? e.epoch : xAxis === 'time' ? run.epochTime[i]! : epochX(run, e.epoch, 'step'));
      ys.push(y);
    });
    // Logs from other trainers mark a metric they lack as NaN in every record: with no finite value
    // at all the series is "not recorded", not a row of NaN markers.
    if (finite === 0) return { xs: new Float64Array(0), ys: new Float64Array(0), length: 0, fromSteps: false };
    return { xs: Float64Array.from(xs), ys: Float64Array.from(ys), length: xs.length, fromSteps: false };
  }

  /** Step times placed linearly within each epoch's duration, for steps read back without their own timing. */
  private interpolatedStepTimes(run: RunModel): Float64Array {
    const positions = run.steps.epochPosition;
    const out = new Float64Array(positions.length);
    for (let i = 0; i < positions.length; i++) {
      const p = positions.data[i]!;
      const e = Math.min(Math.max(Math.ceil(p), 1), run.epochTime.length);
      const end = run.epochTime[e - 1] ?? 0;
      const start = e >= 2 ? run.epochTime[e - 2]! : 0;
      out[i] = start + (end - start) * Math.min(1, Math.max(0, p - (e - 1)));
    }
    return out;
  }

  private cache(run: RunModel, key: string, config: string): { config: string; smoother?: DebiasedEma; sampler?: MinMaxDownsampler } {
    let perRun = this.caches.get(run);
    if (!perRun) this.caches.set(run, (perRun = new Map()));
    let entry = perRun.get(key);
    if (!entry || entry.config !== config) perRun.set(key, (entry = { config }));
    return entry;
  }

  private smoothed(run: RunModel, key: string, a: SeriesArrays, weight: number): Float64Array {
    if (!a.fromSteps) return debiasedEma(a.ys.subarray(0, a.length), weight);
    const entry = this.cache(run, `${key}:smoother`, String(weight));
    entry.smoother ??= new DebiasedEma(weight);
    return entry.smoother.extend(a.ys, a.length, weight);
  }

  /** Downsampled points: per-step series incrementally (they only grow), epoch series in one go. */
  private points(run: RunModel, key: string, a: SeriesArrays, ys: Float64Array, buckets: number, prefs: Prefs, weight: number): XY[] {
    if (!a.fromSteps) return minMaxDownsample(a.xs, ys, a.length, buckets, prefs.logX);
    const entry = this.cache(run, `${key}:sampler`, JSON.stringify([buckets, prefs.xAxis, prefs.logX, weight]));
    entry.sampler ??= new MinMaxDownsampler(buckets, prefs.logX);
    return entry.sampler.update(a.xs, ys, a.length);
  }

  /** Redraws from the runs (the first is primary; several = comparison). Returns false when nothing changed. */
  update(runs: readonly RunModel[], prefs: Prefs, theme: Theme, compare: boolean): boolean {
    const buckets = Math.max(100, Math.round(this.canvas.clientWidth || 800));
    const usesSteps = prefs.resolution === 'step' && this.def.series.some((s) => s.stepField);
    const key = JSON.stringify([runs.map((r) => [r.id, r.revision, usesSteps ? r.steps.length : 0]), prefs, theme, compare, buckets, [...this.hiddenSeries]]);
    const sameRuns = runs.length === this.lastRuns.length && runs.every((r, i) => r === this.lastRuns[i]);
    if (key === this.drawnKey && sameRuns) return false;
    this.drawnKey = key;
    this.lastRuns = runs;
    this.lastPrefs = prefs;
    const datasets: LLDataset[] = [];
    const annotations: Record<string, AnnotationOptions> = {};
    runs.forEach((run, runIndex) => {
      const prefix = compare ? `${run.name}: ` : '';
      for (const s of this.def.series) {
        const a = this.arrays(run, s, prefs);
        const color = compare ? theme.palette[runIndex % theme.palette.length]! : theme.palette[s.role === 'train' ? 0 : 1]!;
        const dash = compare && s.role === 'train' ? [6, 4] : [];
        const seriesKey = `${run.id}:${s.key}`;
        const hidden = this.hiddenSeries.has(seriesKey);
        const label = `${prefix}${s.label}`;
        const smoothing = prefs.smoothing > 0;
        const dots = !a.fromSteps && a.length <= DOT_POINTS_UP_TO;
        datasets.push({
          type: 'line',
          label: smoothing ? `${label} (raw)` : label,
          llSeries: seriesKey,
          llKind: 'raw',
          hidden,
          data: this.points(run, `${s.key}:raw`, a, a.ys, buckets, prefs, -1),
          borderColor: smoothing ? withAlpha(color, 0.35) : color,
          backgroundColor: smoothing ? withAlpha(color, 0.35) : color,
          borderWidth: smoothing ? 1 : theme.lineWidth,
          borderDash: dash,
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
            borderColor: color,
            backgroundColor: color,
            borderWidth: theme.lineWidth,
            borderDash: dash,
            pointRadius: 0,
            pointHoverRadius: 4,
            tension: 0,
          });
        }
        const markers: MarkerPoint[] = [];
        const nonFinite: number[] = a.nonFinite ? [...a.nonFinite] : [];
        if (!a.nonFinite) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a.ys[i]!)) nonFinite.push(i);
        for (const i of nonFinite) {
          if (markers.length >= MAX_MARKERS) break;
          if (!prefs.logX || a.xs[i]! > 0) markers.push({ x: a.xs[i]!, y: MARKER_HEIGHT, value: a.ys[i]! });
        }
        if (markers.length) {
          datasets.push({
            type: 'line',
            label: `${label}: not finite`,
            llSeries: seriesKey,
            llKind: 'non-finite',
            hidden,
            yAxisID: 'nonFinite',
            data: markers,
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
      this.addAnnotations(annotations, run, runIndex, prefs, theme, compare);
    });
    // Chart.js re-resolves every option when an options object is replaced, so scales and
    // annotations are only replaced when they change; data arrays are swapped into the same datasets.
    const options = this.chart.options;
    const xAxis = runs[0] ? effectiveXAxis(runs[0], prefs.xAxis) : prefs.xAxis;
    const xTitle = xAxis === prefs.xAxis ? X_TITLES[xAxis] : `${X_TITLES[xAxis]} (this log has no timings)`;
    const scalesKey = JSON.stringify([xTitle, prefs.logX, prefs.logY, theme]);
    if (scalesKey !== this.scalesKey) {
      this.scalesKey = scalesKey;
      options.scales = {
        x: {
          type: prefs.logX ? 'logarithmic' : 'linear',
          // The axis ends at the data, so every chart of a run spans the same x range.
          bounds: 'data',
          title: { display: true, text: xTitle },
          grid: { color: theme.grid },
          // Fixed rotation and a small sampleSize spare Chart.js measuring every tick label on each update.
          ticks: { color: theme.foreground, minRotation: 0, maxRotation: 0, sampleSize: TICK_SAMPLE_SIZE },
          ...(xAxis === 'epoch' && !prefs.logX ? { min: 0 } : {}),
        },
        y: {
          type: prefs.logY ? 'logarithmic' : 'linear',
          title: { display: true, text: this.def.yLabel },
          grid: { color: theme.grid },
          // Our own formatting: a constant learning rate otherwise shows as 0.00020000000000000004.
          ticks: { color: theme.foreground, sampleSize: TICK_SAMPLE_SIZE, callback: (value) => formatNumber(Number(value), 3) },
          // A schedule is read against zero; a constant one then draws as a flat line, not float noise.
          ...(this.def.id === 'learning-rate' && !prefs.logY ? { beginAtZero: true } : {}),
        },
        nonFinite: { type: 'linear', axis: 'y', min: 0, max: 1, display: false },
      };
      (options.plugins as Record<string, unknown>).llBackground = { color: theme.background };
      options.plugins!.legend!.labels!.color = theme.foreground;
    }
    const annotationsKey = JSON.stringify(annotations);
    if (annotationsKey !== this.annotationsKey) {
      this.annotationsKey = annotationsKey;
      options.plugins!.annotation = { annotations };
    }
    const current = this.chart.data.datasets as LLDataset[];
    const sameShape = current.length === datasets.length && current.every((d, i) => d.llSeries === datasets[i]!.llSeries && d.llKind === datasets[i]!.llKind && d.label === datasets[i]!.label);
    if (sameShape) current.forEach((d, i) => Object.assign(d, datasets[i]));
    else this.chart.data.datasets = datasets;
    this.chart.update('none');
    this.note.hidden = runs.length === 0 || datasets.some((d) => d.data.length > 0);
    this.canvas.setAttribute('aria-label', this.describe(runs, compare));
    if (this.details.open) this.fillTable();
    return true;
  }

  private addAnnotations(out: Record<string, AnnotationOptions>, run: RunModel, runIndex: number, prefs: Prefs, theme: Theme, compare: boolean): void {
    const xAxis = effectiveXAxis(run, prefs.xAxis);
    const canShow = (x: number): boolean => Number.isFinite(x) && (!prefs.logX || x > 0);
    // Labels only on the loss chart (the others show the same lines unlabelled, to stay legible);
    // flag labels are stacked upwards so flags raised at the same epoch do not hide each other.
    const labelled = this.def.id === 'loss';
    let flagLabels = 0;
    // Info-level flags (e.g. suspected mislabeled rows, raised at the end) get a line but no label.
    const line = (id: string, x: number, color: string, text: string, position: 'start' | 'end' | 'center', dash: number[], showLabel = true): void => {
      if (!canShow(x)) return;
      // Flag labels stack up from the bottom; in a comparison each run's best/onset labels get their own row.
      const stack = position === 'end' ? (showLabel && labelled ? flagLabels++ : 0) : -runIndex;
      out[id] = markerLine(x, color, text, theme, { position, dash, display: labelled && showLabel, yAdjust: -22 * stack });
    };
    const who = compare ? `${run.name}: ` : '';
    const best = bestEpoch(run);
    if (best !== undefined) line(`best-${runIndex}`, epochX(run, best, xAxis), theme.best, `${who}best epoch ${best}`, 'start', [4, 4]);
    run.flags.forEach((flag, i) => {
      const color = flag.severity === 'error' ? theme.error : flag.severity === 'warning' ? theme.warning : theme.info;
      const onset = typeof flag.evidence.onsetEpoch === 'number' ? flag.evidence.onsetEpoch : undefined;
      if (onset !== undefined && flag.kind === 'overfitting') {
        line(`onset-${runIndex}-${i}`, epochX(run, onset, xAxis), theme.warning, `${who}overfitting from epoch ${onset}`, 'center', []);
      }
      const x = xAxis === 'step' && flag.step !== undefined ? flag.step : epochX(run, flag.epoch, xAxis);
      line(`flag-${runIndex}-${i}`, x, color, `${who}${flagTitle(flag.kind)} (epoch ${flag.epoch})`, 'end', [2, 3], flag.severity !== 'info');
    });
  }

  private describe(runs: readonly RunModel[], compare: boolean): string {
    const parts = runs.map((run) => {
      const last = run.epochs[run.epochs.length - 1];
      const values = this.def.series.map((s) => `${s.label} ${last ? this.formatValue(toNumber(last[s.epochField])) : 'no data'}`).join(', ');
      const best = bestEpoch(run);
      return `${compare ? `${run.name}: ` : ''}${run.epochs.length} epochs${last ? `, latest ${values}` : ''}${best !== undefined && this.def.id === 'loss' ? `, best epoch ${best}` : ''}`;
    });
    return `${this.def.title} chart. ${parts.join('. ')}. A data table follows.`;
  }

  private formatValue(v: number): string {
    return this.def.percent ? formatPercent(v) : formatNumber(v);
  }

  private fillTable(): void {
    const runs = this.lastRuns;
    const compare = runs.length > 1;
    const caption = `${this.def.title} per epoch${runs.some((r) => r.epochs.length > MAX_TABLE_ROWS) ? ` (latest ${MAX_TABLE_ROWS} epochs)` : ''}`;
    const columns = [...(compare ? ['run', 'epoch'] : ['epoch']), ...this.def.series.map((s) => s.label)];
    const rows = runs.flatMap((run) =>
      run.epochs.slice(-MAX_TABLE_ROWS).map((e) => [...(compare ? [run.name, String(e.epoch)] : [String(e.epoch)]), ...this.def.series.map((s) => this.formatValue(toNumber(e[s.epochField])))]),
    );
    fillTextTable(this.table, caption, columns, rows);
  }

  summary(): ChartSummary {
    const scales = this.chart.options.scales as Record<string, { type?: string; title?: { text?: string }; ticks?: { color?: unknown } }>;
    const annotations = (this.chart.options.plugins?.annotation?.annotations ?? {}) as Record<string, { value?: number; label?: { content?: unknown } }>;
    return {
      id: this.def.id,
      xType: scales.x?.type ?? '',
      yType: scales.y?.type ?? '',
      xTitle: String(scales.x?.title?.text ?? ''),
      tickColor: String(scales.x?.ticks?.color ?? ''),
      datasets: (this.chart.data.datasets as LLDataset[]).map((d) => ({
        label: String(d.label),
        series: d.llSeries,
        kind: d.llKind,
        hidden: Boolean(d.hidden),
        color: String(d.borderColor),
        data: d.data.map((p) => ({ ...p })),
      })),
      annotations: Object.entries(annotations).map(([id, a]) => ({ id, x: Number(a.value), label: String(a.label?.content ?? '') })),
      ariaLabel: this.canvas.getAttribute('aria-label') ?? '',
    };
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png', 1);
  }

  destroy(): void {
    this.chart.destroy();
  }
}
