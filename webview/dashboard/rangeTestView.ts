/**
 * The learning-rate range test (Smith 2017; fastai's `lr_find` plot): each stage's loss against its
 * learning rate on a log axis, the smoothed curve the suggestion reads, and vertical lines at the
 * suggested rate, the config's current one and where the loss blew up. Drawn stage by stage while
 * the sweep runs; once it is read, a button writes the suggestion into the config (the host applies
 * it: the webview only names the test by its id).
 */
import type { RangeTestSnapshot, WebviewToHost } from '../../src/protocol/webview';
import { button, progressRing } from '../components';
import { Chart, laneStyle, marker, STATIC_CHART_OPTIONS, themeScales } from './chartSetup';
import { ensureContrast, TEXT_CONTRAST } from './contrast';
import { laneLabels, laneNeedsRelayout, setMarkers, type MarkerSpec } from './markerLane';
import type { RangeTestSummary, XY } from './debugTypes';
import { fillTextTable } from './dataTable';
import { formatNumber } from './format';
import type { Theme } from './theme';

const STATE_TEXT: Readonly<Record<RangeTestSnapshot['state'], string>> = { running: 'Sweeping', completed: 'Done', stopped: 'Stopped', failed: 'Failed' };

/** Top of the loss axis: 10% above the highest loss measured before the blow-up (none: Chart.js decides). */
export function lossCeiling(snapshot: Pick<RangeTestSnapshot, 'points' | 'divergedAt'>): number | undefined {
  const before = snapshot.points.filter((p) => Number.isFinite(p.loss) && (snapshot.divergedAt === null || p.learningRate < snapshot.divergedAt));
  if (before.length < 2) return undefined;
  return 1.1 * Math.max(...before.map((p) => p.loss));
}

const isDecade = (v: number): boolean => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-6;

export class RangeTestView {
  readonly element: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly status: HTMLParagraphElement;
  private readonly message: HTMLParagraphElement;
  private readonly actions: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly table: HTMLTableElement;
  private readonly chart: Chart<'line', XY[]>;
  private current: RangeTestSnapshot | null = null;
  private drawnTheme: Theme | undefined;
  private actionsKey = '';

  constructor(private readonly post: (message: WebviewToHost) => void) {
    this.element = document.createElement('section');
    this.element.className = 'll-card ll-range-test';
    this.element.setAttribute('aria-labelledby', 'll-title-range-test');
    this.element.dataset.testid = 'range-test';
    this.element.hidden = true;
    this.heading = document.createElement('h2');
    this.heading.id = 'll-title-range-test';
    this.status = document.createElement('p');
    this.status.className = 'll-muted';
    this.status.setAttribute('role', 'status');
    this.message = document.createElement('p');
    this.message.className = 'll-range-message';
    this.actions = document.createElement('div');
    this.actions.className = 'll-actions';
    const box = document.createElement('div');
    box.className = 'll-chart-box';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.dataset.chart = 'range-test';
    box.append(this.canvas);
    const details = document.createElement('details');
    details.className = 'll-table';
    const summary = document.createElement('summary');
    summary.textContent = 'Range test: data table';
    this.table = document.createElement('table');
    details.append(summary, this.table);
    this.element.append(this.heading, this.status, box, this.message, this.actions, details);
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        ...STATIC_CHART_OPTIONS,
        scales: {
          // Decades only on the rate axis.
          x: { type: 'logarithmic', title: { display: true, text: 'learning rate' }, ticks: { autoSkip: false, callback: (v) => (isDecade(Number(v)) ? formatNumber(Number(v), 1) : '') } },
          y: { type: 'linear', title: { display: true, text: 'training loss' } },
        },
        plugins: { legend: { labels: { boxHeight: 8 } }, zoom: { zoom: { drag: { enabled: false }, wheel: { enabled: false } }, pan: { enabled: false } } },
      },
    });
  }

  update(snapshot: RangeTestSnapshot | null, theme: Theme): void {
    if (snapshot === this.current && theme === this.drawnTheme) return;
    this.current = snapshot;
    this.drawnTheme = theme;
    this.element.hidden = snapshot === null;
    if (!snapshot) return;
    this.heading.textContent = `Learning-rate range test: ${snapshot.name}`;
    this.status.replaceChildren();
    const measured = `${snapshot.points.length} of up to ${snapshot.stagesPlanned} rates measured on ${snapshot.file}; now ${formatNumber(snapshot.current)}`;
    this.status.append(`${STATE_TEXT[snapshot.state]} · ${measured}`);
    if (snapshot.state === 'running') this.status.prepend(progressRing('Range test in progress'), ' ');
    this.message.textContent = snapshot.message ?? '';
    this.message.hidden = !snapshot.message;
    this.drawChart(snapshot, theme);
    this.renderActions(snapshot);
    this.renderTable(snapshot);
  }

  private drawChart(snapshot: RangeTestSnapshot, theme: Theme): void {
    const finite = (p: { learningRate: number; loss: number }): XY => ({ x: p.learningRate, y: Number.isFinite(p.loss) ? p.loss : null });
    const [blue, orange] = [theme.palette[0]!, theme.palette[1]!];
    this.chart.data.datasets = [
      { label: 'loss per rate', data: snapshot.points.map(finite), borderColor: blue, backgroundColor: blue, showLine: false, pointRadius: 3 },
      { label: 'smoothed (fastai, β = 0.98)', data: snapshot.smoothed.map(finite), borderColor: orange, backgroundColor: orange, borderWidth: theme.lineWidth, pointRadius: 0, tension: 0 },
    ];
    const markers: MarkerSpec[] = [];
    const line = (id: string, x: number | null, color: string, text: string): void => {
      if (x === null || !(x > 0)) return;
      markers.push(marker(id, x, color, ensureContrast(color, theme.background, TEXT_CONTRAST), text, { dash: id === 'suggested' ? [] : [4, 4] }));
    };
    line('suggested', snapshot.suggested, theme.best, `suggested ${formatNumber(snapshot.suggested, 2)}`);
    line('current', snapshot.current, theme.muted, `now ${formatNumber(snapshot.current, 2)}`);
    line('diverged', snapshot.divergedAt, theme.error, `blew up ${formatNumber(snapshot.divergedAt, 2)}`);
    setMarkers(this.chart as unknown as Chart, markers, laneStyle(theme));
    const options = this.chart.options;
    themeScales(this.chart as unknown as Chart, theme);
    // The loss axis stops a little above the curve before the blow-up (as fastai's plot does), so the
    // explosion does not flatten everything else to a line at 0.
    options.scales!.y!.max = lossCeiling(snapshot);
    (options.plugins as Record<string, unknown>).llBackground = { color: theme.background };
    this.chart.update('none');
    if (laneNeedsRelayout(this.chart as unknown as Chart)) this.chart.update('none');
    const verdict = snapshot.suggested !== null ? `, suggested rate ${formatNumber(snapshot.suggested, 2)}` : '';
    this.canvas.setAttribute('aria-label', `Range test chart: training loss against learning rate (log scale), ${snapshot.points.length} rates${verdict}. A data table follows.`);
  }

  private renderActions(snapshot: RangeTestSnapshot): void {
    // Rebuilt only when what it offers changes (each stage re-renders the view).
    const key = JSON.stringify([snapshot.id, snapshot.state, snapshot.suggested]);
    if (key === this.actionsKey) return;
    this.actionsKey = key;
    this.actions.replaceChildren();
    if (snapshot.state === 'completed' && snapshot.suggested !== null) {
      const rate = formatNumber(snapshot.suggested, 2);
      this.actions.append(
        button(`Set learning rate to ${rate}`, () => this.post({ type: 'rangeTest/apply', id: snapshot.id, retrain: false }), { testId: 'range-apply', ariaLabel: `Set optimizer.learningRate to ${rate} in ${snapshot.file}` }),
        button('Set and train', () => this.post({ type: 'rangeTest/apply', id: snapshot.id, retrain: true }), { appearance: 'secondary', testId: 'range-apply-train', ariaLabel: `Set the learning rate to ${rate} and train ${snapshot.file}` }),
      );
    }
    if (snapshot.state !== 'running') {
      this.actions.append(button('Close', () => this.post({ type: 'rangeTest/close', id: snapshot.id }), { appearance: 'secondary', testId: 'range-close', ariaLabel: 'Close the range test' }));
    }
  }

  private renderTable(snapshot: RangeTestSnapshot): void {
    const smoothed = new Map(snapshot.smoothed.map((p) => [p.learningRate, p.loss]));
    fillTextTable(
      this.table,
      'Loss per learning rate',
      ['learning rate', 'loss', 'smoothed'],
      snapshot.points.map((p) => {
        const s = smoothed.get(p.learningRate);
        return [formatNumber(p.learningRate, 3), formatNumber(p.loss), s === undefined ? '—' : formatNumber(s)];
      }),
    );
  }

  summary(): RangeTestSummary {
    const data = (i: number): XY[] => ((this.chart.data.datasets[i]?.data ?? []) as XY[]).map((p) => ({ ...p }));
    const lane = laneLabels(this.chart as unknown as Chart);
    return {
      shown: !this.element.hidden,
      state: this.current?.state ?? null,
      points: data(0),
      smoothed: data(1),
      annotations: lane.markers.map((m) => ({ id: m.id, x: m.x, label: m.text })),
      labelBoxes: lane.boxes.map((b) => ({ ...b })),
    };
  }
}
