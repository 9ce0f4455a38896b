/**
 * Calibration: the reliability diagram (accuracy against mean confidence per bin, with the diagonal
 * of perfect calibration) before and after temperature scaling, ECE, MCE and Brier score for both,
 * a verdict in plain words (scaling helps, does not help, or no temperature could be fitted), the
 * ECE of each epoch, and how many validation rows fall in each bin (Guo et al. 2017, "On
 * Calibration of Modern Neural Networks": 15 equal-width bins of top-label confidence).
 */
import type { CalibrationBin, CalibrationReading, EceReading } from '../../src/protocol/webview';
import { Chart, chartTextColors, STATIC_CHART_OPTIONS, themeScales } from './chartSetup';
import type { BinPoint, CalibrationSummary } from './debugTypes';
import { fillTextTable } from './dataTable';
import { formatNumber, formatPercent } from './format';
import { type Theme, withAlpha } from './theme';

/** The range temperature scaling searches (the diagnostics' temperature fit); a fit at its edge is no estimate. */
const SEARCH_RANGE = '0.05 to 20';

const NO_CALIBRATION_YET = 'No calibration yet: it appears after the first epoch.';

/**
 * Why a run shows no calibration: one still training gets it after an epoch; another trainer's log
 * has none unless a predictions.csv lies beside it (the log holds losses, not the model's outputs).
 */
export function calibrationMissing(run: { readonly state: string; readonly configurable: boolean; readonly epochs: readonly unknown[] }): string {
  if (run.state === 'running') return NO_CALIBRATION_YET;
  if (!run.configurable) return 'No calibration: the log holds losses, not the model\'s probabilities. Write a predictions.csv of the validation rows beside it to get the reliability diagram and ECE (README, "Following your own training").';
  return run.epochs.length ? 'No calibration: the run recorded no validation outputs.' : 'No calibration: the run ended before its first epoch.';
}

type Verdict = { readonly kind: 'helps' | 'no-help' | 'at-bound'; readonly text: string };

/** What to tell a person about the temperature: apply it, do not bother, or none could be fitted. */
export function calibrationVerdict(c: CalibrationReading): Verdict {
  const t = formatNumber(c.temperature, 3);
  if (c.temperatureAtBound) {
    return { kind: 'at-bound', text: `No temperature is offered: T = ${t} is the edge of its search range (${SEARCH_RANGE}), not an estimate: this validation set is too small or too cleanly separated to fit a temperature.` };
  }
  const brier = c.brierAfterTemperature !== undefined ? `, Brier ${formatNumber(c.brier)} → ${formatNumber(c.brierAfterTemperature)}` : '';
  if (!(c.eceAfterTemperature < c.ece)) {
    return { kind: 'no-help', text: `Temperature scaling does not help here: with T = ${t} the ECE goes from ${formatNumber(c.ece)} to ${formatNumber(c.eceAfterTemperature)}${brier}. Keep the model's probabilities as they are.` };
  }
  const direction = c.temperature > 1 ? 'overconfident: T > 1 softens' : 'underconfident: T < 1 sharpens';
  return { kind: 'helps', text: `Temperature scaling helps: dividing the logits by T = ${t} lowers the ECE from ${formatNumber(c.ece)} to ${formatNumber(c.eceAfterTemperature)}${brier} (the model is ${direction} its probabilities).` };
}

/** One reliability diagram (bars of accuracy per bin, dots of mean confidence, the diagonal). */
class Reliability {
  readonly box: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly chart: Chart<'bar' | 'line', BinPoint[]>;
  constructor(
    readonly name: string,
    title: string,
  ) {
    this.box = document.createElement('figure');
    this.box.className = 'll-reliability';
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    const holder = document.createElement('div');
    holder.className = 'll-chart-box ll-square';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.dataset.chart = name;
    holder.append(this.canvas);
    this.box.append(caption, holder);
    const unit = { type: 'linear' as const, min: 0, max: 1 };
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data: { datasets: [] },
      options: {
        ...STATIC_CHART_OPTIONS,
        scales: { x: { ...unit, title: { display: true, text: 'confidence' } }, y: { ...unit, title: { display: true, text: 'accuracy' } } },
        plugins: { legend: { display: false }, zoom: { zoom: { drag: { enabled: false }, wheel: { enabled: false } }, pan: { enabled: false } } },
      },
    });
  }

  draw(bins: readonly CalibrationBin[], theme: Theme, label: string): void {
    const mid = (b: { lower: number; upper: number }): number => (b.lower + b.upper) / 2;
    const [bars, dots] = [theme.palette[0]!, theme.palette[1]!];
    this.chart.data.datasets = [
      { type: 'bar', label: 'accuracy per bin', data: bins.map((b) => ({ x: mid(b), y: b.count > 0 ? b.accuracy : null })), backgroundColor: withAlpha(bars, 0.6), borderColor: bars, borderWidth: 1, barPercentage: 1, categoryPercentage: 1, order: 3 },
      { type: 'line', label: 'mean confidence per bin', data: bins.map((b) => ({ x: mid(b), y: b.count > 0 ? b.confidence : null })), borderColor: dots, backgroundColor: dots, pointRadius: 3, borderWidth: 0, showLine: false, order: 2 },
      { type: 'line', label: 'perfect calibration', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: theme.muted, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, order: 1 },
    ];
    (this.chart.options.plugins as Record<string, unknown>).llBackground = { color: theme.background };
    themeScales(this.chart as unknown as Chart, theme);
    this.chart.update('none');
    this.canvas.setAttribute('aria-label', label);
  }

  data(i: number): BinPoint[] {
    return ((this.chart.data.datasets[i]?.data ?? []) as BinPoint[]).map((p) => ({ ...p }));
  }
}

export class CalibrationView {
  readonly element: HTMLElement;
  private readonly before = new Reliability('reliability', 'As trained');
  private readonly after = new Reliability('reliability-after', 'After temperature scaling');
  private readonly histogram: Chart<'bar', BinPoint[]>;
  private readonly trend: Chart<'line', BinPoint[]>;
  private readonly trendBox: HTMLElement;
  private readonly figures: HTMLDListElement;
  private readonly verdict: HTMLParagraphElement;
  /** Shown when the fitted temperature is the edge of its search range, not an estimate. */
  private readonly boundNote: HTMLParagraphElement;
  private readonly empty: HTMLParagraphElement;
  private readonly body: HTMLElement;
  private readonly table: HTMLTableElement;
  private current: CalibrationReading | null = null;
  private history: readonly EceReading[] = [];
  private historyLength = -1;
  private readonly heading: HTMLHeadingElement;
  private drawnTheme: Theme | undefined;

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'll-card ll-calibration';
    this.element.setAttribute('aria-labelledby', 'll-title-calibration');
    const heading = (this.heading = document.createElement('h2'));
    heading.id = 'll-title-calibration';
    heading.textContent = 'Calibration (validation set)';
    this.empty = document.createElement('p');
    this.empty.className = 'll-muted';
    this.empty.dataset.testid = 'calibration-missing';
    this.empty.textContent = NO_CALIBRATION_YET;
    this.body = document.createElement('div');
    this.body.className = 'll-calibration-body';
    this.verdict = document.createElement('p');
    this.verdict.className = 'll-verdict';
    this.verdict.dataset.testid = 'calibration-verdict';
    this.figures = document.createElement('dl');
    this.figures.className = 'll-figures';
    this.figures.dataset.testid = 'calibration-figures';
    this.boundNote = document.createElement('p');
    this.boundNote.className = 'll-note';
    this.boundNote.dataset.testid = 'temperature-bound-note';
    this.boundNote.hidden = true;
    const diagrams = document.createElement('div');
    diagrams.className = 'll-calibration-charts';
    diagrams.append(this.before.box, this.after.box);
    this.trendBox = document.createElement('figure');
    this.trendBox.className = 'll-ece-trend';
    const trendCaption = document.createElement('figcaption');
    trendCaption.textContent = 'ECE per epoch';
    const trendHolder = document.createElement('div');
    trendHolder.className = 'll-chart-box ll-short';
    const trendCanvas = document.createElement('canvas');
    trendCanvas.setAttribute('role', 'img');
    trendCanvas.dataset.chart = 'ece-trend';
    trendHolder.append(trendCanvas);
    this.trendBox.append(trendCaption, trendHolder);
    const histBox = document.createElement('div');
    histBox.className = 'll-chart-box ll-short';
    const histogramCanvas = document.createElement('canvas');
    histogramCanvas.setAttribute('role', 'img');
    histogramCanvas.setAttribute('aria-label', 'Number of validation rows per confidence bin; the data table below lists them.');
    histogramCanvas.dataset.chart = 'confidence-histogram';
    histBox.append(histogramCanvas);
    const details = document.createElement('details');
    details.className = 'll-table';
    const summary = document.createElement('summary');
    summary.textContent = 'Reliability diagram: data table';
    this.table = document.createElement('table');
    details.append(summary, this.table);
    this.body.append(this.figures, this.verdict, this.boundNote, diagrams, this.trendBox, histBox, details);
    this.element.append(heading, this.empty, this.body);
    this.body.hidden = true;
    const noZoom = { zoom: { drag: { enabled: false }, wheel: { enabled: false } }, pan: { enabled: false } };
    this.histogram = new Chart(histogramCanvas, {
      type: 'bar',
      data: { datasets: [] },
      options: {
        ...STATIC_CHART_OPTIONS,
        scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'confidence' } }, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'rows' } } },
        plugins: { legend: { display: false }, zoom: noZoom },
      },
    });
    this.trend = new Chart(trendCanvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        ...STATIC_CHART_OPTIONS,
        scales: { x: { type: 'linear', title: { display: true, text: 'epoch' } }, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'ECE' } } },
        plugins: { legend: { labels: { boxHeight: 2 } }, zoom: noZoom, tooltip: { callbacks: { title: (items) => (items[0] ? `epoch ${(items[0].raw as BinPoint).x}` : '') } } },
      },
    });
  }

  /**
   * `runName` names the run in a comparison (the view shows the calibration of the run chosen there);
   * `missing` says why a run has none (calibrationMissing), shown in place of the figures.
   */
  update(calibration: CalibrationReading | null, history: readonly EceReading[], theme: Theme, runName?: string, missing = NO_CALIBRATION_YET): void {
    const heading = runName ? `Calibration (validation set): ${runName}` : 'Calibration (validation set)';
    if (this.heading.textContent !== heading) this.heading.textContent = heading;
    // Calibration arrives once per epoch; most renders (per-step batches) leave it alone.
    if (calibration === this.current && theme === this.drawnTheme && history === this.history && history.length === this.historyLength) return;
    this.drawnTheme = theme;
    this.current = calibration;
    this.history = history;
    this.historyLength = history.length;
    if (this.empty.textContent !== missing) this.empty.textContent = missing;
    this.empty.hidden = calibration !== null;
    this.body.hidden = calibration === null;
    if (!calibration) return;
    const verdict = calibrationVerdict(calibration);
    const bins = calibration.bins;
    this.before.draw(bins, theme, `Reliability diagram: accuracy against confidence in ${bins.length} bins. ECE ${formatNumber(calibration.ece)}${verdict.kind === 'at-bound' ? '' : `, ${formatNumber(calibration.eceAfterTemperature)} after temperature scaling`}. A data table follows.`);
    const afterBins = verdict.kind === 'at-bound' ? undefined : calibration.binsAfterTemperature;
    this.after.box.hidden = !afterBins;
    if (afterBins) this.after.draw(afterBins, theme, `Reliability diagram after temperature scaling (T = ${formatNumber(calibration.temperature, 3)}): ECE ${formatNumber(calibration.eceAfterTemperature)}.`);
    this.histogram.data.datasets = [{ type: 'bar', label: 'rows', data: bins.map((b) => ({ x: (b.lower + b.upper) / 2, y: b.count })), backgroundColor: withAlpha(theme.muted, 0.6), borderColor: theme.muted, borderWidth: 1, barPercentage: 1, categoryPercentage: 1 }];
    this.drawTrend(history, theme);
    for (const chart of [this.histogram, this.trend] as unknown as Chart[]) {
      (chart.options.plugins as Record<string, unknown>).llBackground = { color: theme.background };
      themeScales(chart, theme);
      chart.update('none');
    }
    this.verdict.textContent = verdict.kind === 'at-bound' ? '' : verdict.text;
    this.verdict.hidden = verdict.kind === 'at-bound';
    this.verdict.dataset.kind = verdict.kind;
    this.boundNote.hidden = verdict.kind !== 'at-bound';
    this.boundNote.textContent = verdict.kind === 'at-bound' ? verdict.text : '';
    this.renderFigures(calibration, verdict.kind === 'at-bound');
    this.renderTable(bins);
  }

  private drawTrend(history: readonly EceReading[], theme: Theme): void {
    this.trendBox.hidden = history.length < 2;
    const [before, after] = [theme.palette[1]!, theme.palette[0]!];
    const afterPoints = history.filter((r) => r.eceAfterTemperature !== undefined).map((r) => ({ x: r.epoch, y: r.eceAfterTemperature! }));
    this.trend.data.datasets = [
      { label: 'ECE', data: history.map((r) => ({ x: r.epoch, y: r.ece })), borderColor: before, backgroundColor: before, borderWidth: theme.lineWidth, pointRadius: history.length <= 60 ? 2 : 0, tension: 0 },
      ...(afterPoints.length ? [{ label: 'after temperature scaling', data: afterPoints, borderColor: after, backgroundColor: after, borderWidth: theme.lineWidth, borderDash: [6, 4], pointRadius: 0, tension: 0 }] : []),
    ];
  }

  private renderFigures(c: CalibrationReading, atBound: boolean): void {
    const after = (v: number | undefined): string[] => (atBound ? [] : [v === undefined ? '—' : formatNumber(v)]);
    const rows: [string, string, ...string[]][] = [
      ['ECE', formatNumber(c.ece), ...after(c.eceAfterTemperature)],
      ['MCE', formatNumber(c.mce), ...after(c.mceAfterTemperature)],
      ['Brier score', formatNumber(c.brier), ...after(c.brierAfterTemperature)],
    ];
    this.figures.replaceChildren();
    this.figures.classList.toggle('ll-one-column', atBound);
    const head = document.createElement('div');
    head.className = 'll-figures-head';
    for (const text of ['', 'as trained', ...(atBound ? [] : [`after T = ${formatNumber(c.temperature, 3)}`])]) {
      const span = document.createElement('span');
      span.textContent = text;
      head.append(span);
    }
    this.figures.append(head);
    for (const [name, before, ...rest] of rows) {
      const row = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd1 = document.createElement('dd');
      dd1.textContent = before;
      dd1.dataset.figure = name;
      row.append(dt, dd1);
      for (const value of rest) {
        const dd2 = document.createElement('dd');
        dd2.textContent = value;
        dd2.dataset.figure = `${name} after temperature`;
        row.append(dd2);
      }
      this.figures.append(row);
    }
  }

  private renderTable(bins: readonly CalibrationBin[]): void {
    fillTextTable(
      this.table,
      'Reliability per confidence bin',
      ['bin', 'rows', 'accuracy', 'mean confidence'],
      bins.map((b) => [`${formatNumber(b.lower, 3)}–${formatNumber(b.upper, 3)}`, String(b.count), b.count ? formatPercent(b.accuracy) : '—', b.count ? formatPercent(b.confidence) : '—']),
    );
  }

  summary(): CalibrationSummary {
    const figures: Record<string, string> = {};
    for (const dd of this.figures.querySelectorAll<HTMLElement>('dd[data-figure]')) figures[dd.dataset.figure!] = dd.textContent ?? '';
    const histogram = this.histogram as unknown as Chart;
    return {
      shown: this.current !== null,
      accuracy: this.before.data(0),
      confidence: this.before.data(1),
      accuracyAfter: this.after.box.hidden ? [] : this.after.data(0),
      counts: ((histogram.data.datasets[0]?.data ?? []) as BinPoint[]).map((p) => ({ ...p })),
      eceTrend: ((this.trend.data.datasets[0]?.data ?? []) as BinPoint[]).map((p) => ({ ...p })),
      verdict: this.verdict.hidden ? this.boundNote.textContent ?? '' : this.verdict.textContent ?? '',
      verdictKind: this.verdict.dataset.kind ?? '',
      textColors: this.current ? [this.before.chart, ...(this.after.box.hidden ? [] : [this.after.chart]), histogram, ...(this.trendBox.hidden ? [] : [this.trend])].flatMap((c) => chartTextColors(c as unknown as Chart)) : [],
      figures,
    };
  }

  images(): { name: string; pngDataUrl: string }[] {
    if (!this.current) return [];
    return [
      { name: 'reliability', pngDataUrl: this.before.chart.toBase64Image('image/png', 1) },
      ...(this.after.box.hidden ? [] : [{ name: 'reliability-after', pngDataUrl: this.after.chart.toBase64Image('image/png', 1) }]),
      { name: 'confidence-histogram', pngDataUrl: this.histogram.toBase64Image('image/png', 1) },
      ...(this.trendBox.hidden ? [] : [{ name: 'ece-trend', pngDataUrl: this.trend.toBase64Image('image/png', 1) }]),
    ];
  }
}
