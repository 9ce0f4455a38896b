/**
 * Compare Runs: a compact legend (one entry per run: colour, name and start time; click to hide or
 * show the run), the config keys that differ between the runs, and the key figures of each run with
 * their deltas against a baseline run the user picks (W&B's baseline). The legend lives in the
 * sticky bar above the charts, so it never takes room from a plot.
 */
import { dropdown } from '../components';
import { appendCells, tableHead } from './dataTable';
import { configDiff } from './configDiff';
import { flagTitle } from './flagTitles';
import { formatNumber, formatPercent, toNumber } from './format';
import type { RunStyle } from './runIdentity';
import { bestEpoch, type RunModel } from './store';

interface Figure {
  readonly name: string;
  readonly value: (run: RunModel) => number;
  readonly format: (v: number) => string;
  /** Which way is better, for the delta's wording; 0 = neither. */
  readonly better: -1 | 0 | 1;
}

const finalEpoch = (run: RunModel) => run.epochs[run.epochs.length - 1];
const bestRecord = (run: RunModel) => run.epochs.find((e) => e.epoch === bestEpoch(run));

const FIGURES: readonly Figure[] = [
  { name: 'epochs', value: (r) => r.epochs.length, format: (v) => String(v), better: 0 },
  { name: 'best epoch', value: (r) => bestEpoch(r) ?? Number.NaN, format: (v) => (Number.isFinite(v) ? String(v) : '—'), better: 0 },
  { name: 'best validation loss', value: (r) => toNumber(bestRecord(r)?.valLoss), format: (v) => formatNumber(v), better: -1 },
  { name: 'final validation loss', value: (r) => toNumber(finalEpoch(r)?.valLoss), format: (v) => formatNumber(v), better: -1 },
  { name: 'final validation accuracy', value: (r) => toNumber(finalEpoch(r)?.valAccuracy), format: (v) => formatPercent(v), better: 1 },
  { name: 'final train loss', value: (r) => toNumber(finalEpoch(r)?.trainLoss), format: (v) => formatNumber(v), better: 0 },
  { name: 'ECE', value: (r) => r.calibration?.ece ?? Number.NaN, format: (v) => formatNumber(v), better: -1 },
  { name: 'compute time (s)', value: (r) => (r.hasEpochTime ? (r.epochTime[r.epochTime.length - 1] ?? Number.NaN) : Number.NaN), format: (v) => formatNumber(v, 3), better: -1 },
  { name: 'wall-clock time (s)', value: (r) => (r.hasEpochWall ? (r.epochWall[r.epochWall.length - 1] ?? Number.NaN) : Number.NaN), format: (v) => formatNumber(v, 3), better: -1 },
];

/** "+0.012" / "−3.1 pts" against the baseline; '' for the baseline itself or a missing value. */
export function deltaText(figure: Figure, value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base)) return '';
  const d = value - base;
  if (d === 0) return '±0';
  const sign = d > 0 ? '+' : '−';
  return figure.name.includes('accuracy') ? `${sign}${Math.abs(d * 100).toFixed(1)} pts` : `${sign}${formatNumber(Math.abs(d))}`;
}

export class CompareView {
  readonly element: HTMLElement;
  /** The legend, placed by the dashboard in its sticky bar. */
  readonly legend: HTMLElement;
  private readonly diff: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly baselineField: HTMLElement;
  private baselineId: string | undefined;
  private choicesKey = '';
  private renderedKey = '';
  private legendKey = '';

  constructor(private readonly onToggleRun: (runId: string) => void, private readonly onChange: () => void) {
    this.element = document.createElement('section');
    this.element.className = 'll-card ll-compare';
    this.element.setAttribute('aria-labelledby', 'll-title-compare');
    const heading = document.createElement('h2');
    heading.id = 'll-title-compare';
    heading.textContent = 'Runs compared';
    this.baselineField = document.createElement('div');
    this.baselineField.className = 'll-baseline';
    const diffHeading = document.createElement('h3');
    diffHeading.textContent = 'What differs in their configs';
    this.diff = document.createElement('div');
    this.diff.className = 'll-diff';
    this.diff.dataset.testid = 'config-diff';
    const figuresHeading = document.createElement('h3');
    figuresHeading.textContent = 'Key figures';
    this.table = document.createElement('table');
    this.table.className = 'll-grid';
    this.table.dataset.testid = 'compare-figures';
    const scroll = document.createElement('div');
    scroll.className = 'll-scroll-x';
    scroll.append(this.table);
    this.element.append(heading, diffHeading, this.diff, figuresHeading, this.baselineField, scroll);
    this.legend = document.createElement('div');
    this.legend.className = 'll-run-legend';
    this.legend.setAttribute('role', 'group');
    this.legend.setAttribute('aria-label', 'Runs (click to hide or show)');
  }

  update(runs: readonly RunModel[], styles: ReadonlyMap<string, RunStyle>, hidden: ReadonlySet<string>): void {
    this.renderLegend(runs, styles, hidden);
    if (!runs.some((r) => r.id === this.baselineId)) this.baselineId = runs[0]?.id;
    this.renderBaselineChoice(runs, styles);
    const key = JSON.stringify([this.baselineId, runs.map((r) => [r.id, r.revision, r.epochs.length, styles.get(r.id)])]);
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    this.renderDiff(runs, styles);
    this.renderFigures(runs, styles);
  }

  get baseline(): string | undefined {
    return this.baselineId;
  }

  private renderLegend(runs: readonly RunModel[], styles: ReadonlyMap<string, RunStyle>, hidden: ReadonlySet<string>): void {
    const key = JSON.stringify([runs.map((r) => [r.id, styles.get(r.id)]), [...hidden]]);
    if (key === this.legendKey) return;
    this.legendKey = key;
    this.legend.replaceChildren();
    for (const run of runs) {
      const style = styles.get(run.id);
      const item = document.createElement('button');
      item.type = 'button';
      item.className = 'll-legend-item';
      item.dataset.runId = run.id;
      item.setAttribute('aria-pressed', String(!hidden.has(run.id)));
      item.title = `${hidden.has(run.id) ? 'Show' : 'Hide'} ${style?.label ?? run.name}`;
      const swatch = document.createElement('span');
      swatch.className = 'll-swatch';
      swatch.setAttribute('aria-hidden', 'true');
      swatch.style.backgroundColor = style?.color ?? '';
      const tag = document.createElement('b');
      tag.textContent = style?.tag ?? '';
      item.append(swatch, tag, ' ', style?.label ?? run.name);
      item.addEventListener('click', () => this.onToggleRun(run.id));
      this.legend.append(item);
    }
    const styleKey = document.createElement('span');
    styleKey.className = 'll-muted ll-line-key';
    styleKey.textContent = 'solid: validation · dashed: train';
    this.legend.append(styleKey);
  }

  private renderBaselineChoice(runs: readonly RunModel[], styles: ReadonlyMap<string, RunStyle>): void {
    const key = JSON.stringify(runs.map((r) => [r.id, styles.get(r.id)?.label]));
    if (key === this.choicesKey) return;
    this.choicesKey = key;
    const choices = runs.map((r) => ({ value: r.id, label: `${styles.get(r.id)?.tag ?? ''} ${styles.get(r.id)?.label ?? r.name}` }));
    const field = dropdown('Deltas against', choices, this.baselineId ?? runs[0]?.id ?? '', (id) => {
      this.baselineId = id;
      this.onChange();
    }, 'baseline');
    this.baselineField.replaceChildren(field.element);
  }

  private renderDiff(runs: readonly RunModel[], styles: ReadonlyMap<string, RunStyle>): void {
    const rows = configDiff(runs.map((r) => r.config));
    const missing = runs.filter((r) => r.config === undefined);
    this.diff.replaceChildren();
    if (missing.length === runs.length) {
      this.diff.append(note('The configs of these runs are not available, so their differences cannot be shown.'));
      return;
    }
    if (missing.length) this.diff.append(note(`No config for ${missing.map((r) => styles.get(r.id)?.label ?? r.name).join(', ')}.`));
    if (!rows.length) {
      this.diff.append(note('The configs are identical: the runs differ only by chance (the seed is part of the config).'));
      return;
    }
    const table = document.createElement('table');
    table.className = 'll-grid';
    const shown = runs.filter((r) => r.config !== undefined);
    const tbody = document.createElement('tbody');
    for (const row of rows) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      const code = document.createElement('code');
      code.textContent = row.path;
      th.append(code);
      tr.append(th);
      appendCells(tr, runs.flatMap((r, i) => (r.config === undefined ? [] : [row.values[i] ?? '(not set)'])));
      tbody.append(tr);
    }
    table.append(tableHead(['key', ...shown.map((r) => styles.get(r.id)?.tag ?? r.name)]), tbody);
    const scroll = document.createElement('div');
    scroll.className = 'll-scroll-x';
    scroll.append(table);
    this.diff.append(scroll);
  }

  private renderFigures(runs: readonly RunModel[], styles: ReadonlyMap<string, RunStyle>): void {
    const base = runs.find((r) => r.id === this.baselineId) ?? runs[0];
    const tbody = document.createElement('tbody');
    for (const run of runs) {
      const style = styles.get(run.id);
      const tr = document.createElement('tr');
      tr.dataset.runId = run.id;
      const nameCell = document.createElement('th');
      nameCell.scope = 'row';
      const swatch = document.createElement('span');
      swatch.className = 'll-swatch';
      swatch.setAttribute('aria-hidden', 'true');
      swatch.style.backgroundColor = style?.color ?? '';
      nameCell.append(swatch, `${style?.tag ?? ''} ${style?.label ?? run.name}${run === base ? ' (baseline)' : ''}`);
      tr.append(nameCell);
      appendCells(tr, [run.reason && run.reason !== 'completed' ? `${run.state} (${run.reason})` : run.state]);
      for (const figure of FIGURES) {
        const td = document.createElement('td');
        const value = figure.value(run);
        td.textContent = figure.format(value);
        if (base && run !== base) {
          const delta = deltaText(figure, value, figure.value(base));
          if (delta) {
            const d = document.createElement('span');
            const diff = value - figure.value(base);
            d.className = `ll-delta${figure.better && diff !== 0 ? (Math.sign(diff) === figure.better ? ' ll-better' : ' ll-worse') : ''}`;
            d.textContent = ` (${delta})`;
            td.append(d);
          }
        }
        tr.append(td);
      }
      appendCells(tr, [run.flags.length ? run.flags.map((f) => flagTitle(f.kind)).join(', ') : 'none']);
      tbody.append(tr);
    }
    this.table.replaceChildren(tableHead(['run', 'state', ...FIGURES.map((f) => f.name), 'flags']), tbody);
  }
}

function note(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'll-muted';
  p.textContent = text;
  return p;
}
