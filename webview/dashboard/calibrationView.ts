/**
 * Calibration: the reliability diagram (accuracy against mean confidence per bin, with the diagonal
 * of perfect calibration), a histogram of how many validation rows fall in each bin, and the summary
 * figures before and after temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural
 * Networks": 15 equal-width bins of top-label confidence).
 */
import type { Calibration } from '../../src/protocol/webview';
import { Chart, STATIC_CHART_OPTIONS, themeScales } from './chartSetup';
import type { BinPoint, CalibrationSummary } from './debugTypes';
import { fillTextTable } from './dataTable';
import { formatNumber, formatPercent } from './format';
import { type Theme, withAlpha } from './theme';


export class CalibrationView {
  readonly element: HTMLElement;
  private readonly reliability: Chart<'bar' | 'line', BinPoint[]>;
  private readonly histogram: Chart<'bar', BinPoint[]>;
  private readonly figures: HTMLDListElement;
  /** Shown when the fitted temperature is the edge of its search range, not an estimate. */
  private readonly boundNote: HTMLParagraphElement;
  private readonly empty: HTMLParagraphElement;
  private readonly body: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly reliabilityCanvas: HTMLCanvasElement;
  private current: Calibration | null = null;
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
    this.empty.textContent = 'No calibration yet: it appears after the first epoch.';
    this.body = document.createElement('div');
    this.body.className = 'll-calibration-body';
    const charts = document.createElement('div');
    charts.className = 'll-calibration-charts';
    const box1 = document.createElement('div');
    box1.className = 'll-chart-box ll-square';
    this.reliabilityCanvas = document.createElement('canvas');
    this.reliabilityCanvas.setAttribute('role', 'img');
    this.reliabilityCanvas.dataset.chart = 'reliability';
    box1.append(this.reliabilityCanvas);
    const box2 = document.createElement('div');
    box2.className = 'll-chart-box ll-short';
    const histogramCanvas = document.createElement('canvas');
    histogramCanvas.setAttribute('role', 'img');
    histogramCanvas.setAttribute('aria-label', 'Number of validation rows per confidence bin; the data table below lists them.');
    histogramCanvas.dataset.chart = 'confidence-histogram';
    box2.append(histogramCanvas);
    charts.append(box1, box2);
    this.figures = document.createElement('dl');
    this.figures.className = 'll-figures';
    this.figures.dataset.testid = 'calibration-figures';
    this.boundNote = document.createElement('p');
    this.boundNote.className = 'll-note';
    this.boundNote.dataset.testid = 'temperature-bound-note';
    this.boundNote.hidden = true;
    const details = document.createElement('details');
    details.className = 'll-table';
    const summary = document.createElement('summary');
    summary.textContent = 'Reliability diagram: data table';
    this.table = document.createElement('table');
    details.append(summary, this.table);
    this.body.append(charts, this.figures, this.boundNote, details);
    this.element.append(heading, this.empty, this.body);
    this.body.hidden = true;

    const unitAxis = { type: 'linear' as const, min: 0, max: 1 };
    this.reliability = new Chart(this.reliabilityCanvas, {
      type: 'bar',
      data: { datasets: [] },
      options: {
        ...STATIC_CHART_OPTIONS,
        scales: { x: { ...unitAxis, title: { display: true, text: 'confidence' } }, y: { ...unitAxis, title: { display: true, text: 'accuracy' } } },
        plugins: { legend: { labels: { boxHeight: 8 } } },
      },
    });
    this.histogram = new Chart(histogramCanvas, {
      type: 'bar',
      data: { datasets: [] },
      options: {
        ...STATIC_CHART_OPTIONS,
        scales: { x: { ...unitAxis, title: { display: true, text: 'confidence' } }, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'rows' } } },
        plugins: { legend: { display: false } },
      },
    });
  }

  /** `runName` is given in a comparison, where the view shows the first run's calibration. */
  update(calibration: Calibration | null, theme: Theme, runName?: string): void {
    this.heading.textContent = runName ? `Calibration (validation set): ${runName}` : 'Calibration (validation set)';
    // Calibration arrives once per epoch; most renders (per-step batches) leave it alone.
    if (calibration === this.current && theme === this.drawnTheme) return;
    this.drawnTheme = theme;
    this.current = calibration;
    this.empty.hidden = calibration !== null;
    this.body.hidden = calibration === null;
    const bins = calibration?.bins ?? [];
    const mid = (b: { lower: number; upper: number }): number => (b.lower + b.upper) / 2;
    const accuracy = bins.map((b) => ({ x: mid(b), y: b.count > 0 ? b.accuracy : null }));
    const confidence = bins.map((b) => ({ x: mid(b), y: b.count > 0 ? b.confidence : null }));
    const counts = bins.map((b) => ({ x: mid(b), y: b.count }));
    const blue = theme.palette[0]!;
    const orange = theme.palette[1]!;
    this.reliability.data.datasets = [
      { type: 'bar', label: 'accuracy per bin', data: accuracy, backgroundColor: withAlpha(blue, 0.6), borderColor: blue, borderWidth: 1, barPercentage: 1, categoryPercentage: 1, order: 3 },
      { type: 'line', label: 'mean confidence per bin', data: confidence, borderColor: orange, backgroundColor: orange, pointRadius: 3, borderWidth: 0, showLine: false, order: 2 },
      { type: 'line', label: 'perfect calibration', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: theme.muted, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, order: 1 },
    ];
    this.histogram.data.datasets = [{ type: 'bar', label: 'rows', data: counts, backgroundColor: withAlpha(theme.muted, 0.6), borderColor: theme.muted, borderWidth: 1, barPercentage: 1, categoryPercentage: 1 }];
    for (const chart of [this.reliability, this.histogram] as Chart[]) {
      (chart.options.plugins as Record<string, unknown>).llBackground = { color: theme.background };
      themeScales(chart, theme);
      chart.update('none');
    }
    this.renderFigures(calibration);
    this.renderTable(calibration);
    this.reliabilityCanvas.setAttribute(
      'aria-label',
      calibration
        ? `Reliability diagram: accuracy against confidence in ${bins.length} bins. ECE ${formatNumber(calibration.ece)}, ${formatNumber(calibration.eceAfterTemperature)} after temperature scaling. A data table follows.`
        : 'Reliability diagram: no data yet.',
    );
  }

  private renderFigures(c: Calibration | null): void {
    const rows: [string, string, string][] = c
      ? [
          ['ECE', formatNumber(c.ece), formatNumber(c.eceAfterTemperature)],
          ['MCE', formatNumber(c.mce), c.mceAfterTemperature === undefined ? '—' : formatNumber(c.mceAfterTemperature)],
          ['Brier score', formatNumber(c.brier), c.brierAfterTemperature === undefined ? '—' : formatNumber(c.brierAfterTemperature)],
        ]
      : [];
    this.figures.replaceChildren();
    this.boundNote.hidden = true;
    if (!c) return;
    const head = document.createElement('div');
    head.className = 'll-figures-head';
    const atBound = c.temperatureAtBound === true;
    this.boundNote.hidden = !atBound;
    this.boundNote.textContent = atBound
      ? `T = ${formatNumber(c.temperature, 3)} is the edge of its search range (0.05 to 20), not an estimate: this validation set is too small or too cleanly separated to fit a temperature. Do not apply it.`
      : '';
    for (const text of ['', 'as trained', atBound ? `after T = ${formatNumber(c.temperature, 3)} (search limit)` : `after temperature T = ${formatNumber(c.temperature, 3)}`]) {
      const span = document.createElement('span');
      span.textContent = text;
      head.append(span);
    }
    this.figures.append(head);
    for (const [name, before, after] of rows) {
      const row = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd1 = document.createElement('dd');
      dd1.textContent = before;
      dd1.dataset.figure = `${name}`;
      const dd2 = document.createElement('dd');
      dd2.textContent = after;
      dd2.dataset.figure = `${name} after temperature`;
      row.append(dt, dd1, dd2);
      this.figures.append(row);
    }
  }

  private renderTable(c: Calibration | null): void {
    if (!c) {
      this.table.replaceChildren();
      return;
    }
    fillTextTable(
      this.table,
      'Reliability per confidence bin',
      ['bin', 'rows', 'accuracy', 'mean confidence'],
      c.bins.map((b) => [`${formatNumber(b.lower, 3)}–${formatNumber(b.upper, 3)}`, String(b.count), b.count ? formatPercent(b.accuracy) : '—', b.count ? formatPercent(b.confidence) : '—']),
    );
  }

  summary(): CalibrationSummary {
    const data = (chart: Chart, i: number): BinPoint[] => ((chart.data.datasets[i]?.data ?? []) as BinPoint[]).map((p) => ({ ...p }));
    const figures: Record<string, string> = {};
    for (const dd of this.figures.querySelectorAll<HTMLElement>('dd[data-figure]')) figures[dd.dataset.figure!] = dd.textContent ?? '';
    return {
      shown: this.current !== null,
      accuracy: data(this.reliability as unknown as Chart, 0),
      confidence: data(this.reliability as unknown as Chart, 1),
      counts: data(this.histogram as unknown as Chart, 0),
      figures,
    };
  }

  images(): { name: string; pngDataUrl: string }[] {
    if (!this.current) return [];
    return [
      { name: 'reliability', pngDataUrl: this.reliability.toBase64Image('image/png', 1) },
      { name: 'confidence-histogram', pngDataUrl: this.histogram.toBase64Image('image/png', 1) },
    ];
  }

  destroy(): void {
    this.reliability.destroy();
    this.histogram.destroy();
  }
}
