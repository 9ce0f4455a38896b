/** The key figures of each run side by side (shown when runs are compared, and for a single run too). */
import { appendCells, tableHead } from './dataTable';
import { flagTitle } from './flagTitles';
import { formatNumber, formatPercent, toNumber } from './format';
import { bestEpoch, type RunModel } from './store';
import { withAlpha, type Theme } from './theme';

const COLUMNS = ['run', 'state', 'epochs', 'best epoch', 'best validation loss', 'final validation accuracy', 'final train loss', 'ECE', 'flags'] as const;

export class CompareTable {
  readonly element: HTMLElement;
  private readonly table: HTMLTableElement;

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'll-card ll-compare';
    this.element.setAttribute('aria-labelledby', 'll-title-compare');
    const heading = document.createElement('h2');
    heading.id = 'll-title-compare';
    heading.textContent = 'Runs compared';
    this.table = document.createElement('table');
    this.table.className = 'll-grid';
    this.element.append(heading, this.table);
  }

  update(runs: readonly RunModel[], theme: Theme): void {
    const tbody = document.createElement('tbody');
    runs.forEach((run, i) => {
      const last = run.epochs[run.epochs.length - 1];
      const best = bestEpoch(run);
      const bestRecord = run.epochs.find((e) => e.epoch === best);
      const tr = document.createElement('tr');
      tr.dataset.runId = run.id;
      const nameCell = document.createElement('th');
      nameCell.scope = 'row';
      const swatch = document.createElement('span');
      swatch.className = 'll-swatch';
      swatch.setAttribute('aria-hidden', 'true');
      swatch.style.backgroundColor = theme.palette[i % theme.palette.length]!;
      swatch.style.borderColor = withAlpha(theme.foreground, 0.5);
      nameCell.append(swatch, run.name);
      tr.append(nameCell);
      const cells = [
        run.reason && run.reason !== 'completed' ? `${run.state} (${run.reason})` : run.state,
        String(run.epochs.length),
        best === undefined ? '—' : String(best),
        bestRecord ? formatNumber(toNumber(bestRecord.valLoss)) : '—',
        last ? formatPercent(toNumber(last.valAccuracy)) : '—',
        last ? formatNumber(toNumber(last.trainLoss)) : '—',
        run.calibration ? formatNumber(run.calibration.ece) : '—',
        run.flags.length ? run.flags.map((f) => flagTitle(f.kind)).join(', ') : 'none',
      ];
      appendCells(tr, cells);
      tbody.append(tr);
    });
    this.table.replaceChildren(tableHead(COLUMNS), tbody);
  }
}
