/**
 * CSV metric logs, read line by line as they grow:
 * - Keras `CSVLogger`: one row per epoch, `epoch` from 0, then the logs dict's keys in sorted order
 *   (`epoch,accuracy,loss,val_accuracy,val_loss`, with `learning_rate` when a scheduler logs it).
 *   With `append=True` a second `fit()` appends rows whose epochs start again at 0 (or at
 *   `initial_epoch`): that continues the same training, read as a new segment numbered on
 *   (1..10 then 1..25 reads as 1..35).
 * - Lightning `CSVLogger` metrics.csv: sparse rows with `epoch` (from 0) and `step` (the global
 *   step, from 0) columns; a row with no epoch (LearningRateMonitor's `lr-Adam`) takes the epoch of
 *   the next row that has one. Lightning appends rows, and rewrites the whole file with a wider
 *   header when a new metric appears: the rows already read are kept, the new ones read.
 * - Any other CSV, with its step and epoch columns named by the mapping (metricsSidecar.ts).
 * Metric columns are mapped by name (metricNames.ts). A row with a different number of fields
 * from its header is skipped with a note, not fatal.
 */
import { RunAssembler, type Layout } from './runAssembler';
import { LineStream, metricCell, splitCsvLine } from './lineStream';
import type { LogUpdate } from './logUpdate';
import type { LogFormat, LogParser, ParserOptions } from './logParser';

export interface CsvColumns {
  /** The column holding the global step, if any. */
  readonly step?: string;
  /** The column holding the epoch, if any. */
  readonly epoch?: string;
  /** How the epoch column counts (undefined: from 0 when its first value is 0). */
  readonly epochBase?: 0 | 1;
}

export type CsvDialect = { readonly kind: 'keras' } | { readonly kind: 'lightning' } | { readonly kind: 'generic'; readonly columns?: CsvColumns };

const STEP_COLUMNS = ['step', 'global_step', 'iteration', 'iter', 'it'];

/** Whether a header line looks like a Keras CSVLogger's (epoch first, a loss column, no step column). */
export function isKerasHeader(header: readonly string[]): boolean {
  return header[0] === 'epoch' && header.includes('loss') && !header.includes('step');
}

/** Whether a header line looks like a Lightning metrics.csv (epoch and step columns). */
export function isLightningHeader(header: readonly string[]): boolean {
  return header.includes('epoch') && header.includes('step');
}

export class CsvLogParser implements LogParser {
  readonly format: LogFormat;
  readonly writes = 'append' as const;
  private readonly lines = new LineStream();
  private assembler: RunAssembler;
  private header: string[] | undefined;
  private headerLine = '';
  private stepCol = -1;
  private epochCol = -1;
  /** Data rows read so far (a rewrite keeps them), and the ones skipped. */
  private rows = 0;
  private skipRows = 0;
  private badRows = 0;
  private file = '';

  constructor(
    private readonly dialect: CsvDialect,
    private readonly options: ParserOptions,
  ) {
    this.format = dialect.kind === 'keras' ? 'keras-csv' : dialect.kind === 'lightning' ? 'lightning-csv' : 'csv';
    this.assembler = this.newAssembler(undefined);
  }

  feed(file: string, bytes: Uint8Array): void {
    this.file = file;
    let count = 0;
    this.lines.feed(bytes, (line, lineNo) => {
      count++;
      this.line(line, lineNo);
    });
    this.assembler.countRecords(count);
    this.assembler.setWaiting(this.lines.pendingLine.length > 0);
  }

  reread(file: string, bytes: Uint8Array): void {
    this.file = file;
    // Lightning rewrites metrics.csv with a wider header: the rows it had are still there, in order.
    const seen = this.rows;
    const before = this.headerLine;
    this.lines.reset();
    this.header = undefined;
    this.rows = 0;
    this.skipRows = seen;
    const text = new TextDecoder().decode(bytes);
    const lineCount = text.split('\n').length - 1;
    const rowsNow = Math.max(0, lineCount - 1);
    if (rowsNow < seen) {
      this.skipRows = 0;
      this.assembler.restart(`${this.label}: the file was rewritten with fewer rows (${rowsNow}) than were read (${seen})`, false);
    }
    this.feed(file, bytes);
    if (this.headerLine !== before && this.skipRows === 0 && seen > 0) {
      this.assembler.noteOnce('header', `${this.label}: rewritten with a new header (a new metric was logged); ${seen} row${seen === 1 ? ' was' : 's were'} already read`);
    }
  }

  take(): LogUpdate {
    return this.assembler.take();
  }

  finish(): LogUpdate {
    const cut = this.lines.pendingLine;
    if (cut.trim()) {
      this.assembler.note(`${this.label}:${this.lines.nextLineNo}: the last line has no newline (it may be cut short: "${cut.slice(0, 60)}${cut.length > 60 ? '...' : ''}"): skipped`);
    }
    this.assembler.setWaiting(false);
    return this.assembler.finish();
  }

  private get label(): string {
    return this.file ? `${this.options.label}/${this.file}` : this.options.label;
  }

  private newAssembler(columns: CsvColumns | undefined): RunAssembler {
    const d = this.dialect;
    let layout: Layout;
    if (d.kind === 'keras') layout = { kind: 'axis', epochBase: 0, rowIsEpoch: true };
    else if (d.kind === 'lightning') layout = { kind: 'marks', marks: 'lightning' };
    else if (columns?.step) layout = { kind: 'marks', marks: 'rows', ...(columns.epochBase !== undefined ? { epochBase: columns.epochBase } : {}) };
    else layout = { kind: 'axis', rowIsEpoch: true, ...(columns?.epochBase !== undefined ? { epochBase: columns.epochBase } : {}) };
    return new RunAssembler({
      layout,
      label: this.options.label,
      ...(this.options.overrides ? { overrides: this.options.overrides } : {}),
      ...(d.kind === 'keras' ? { restartsContinue: true } : {}),
    });
  }

  private line(line: string, lineNo: number): void {
    if (!line.trim()) return;
    if (!this.header) return this.setHeader(line, lineNo);
    if (this.skipRows > 0) {
      this.skipRows--;
      this.rows++;
      return;
    }
    const fields = splitCsvLine(line);
    const header = this.header;
    if (fields.length !== header.length) {
      if (++this.badRows <= 3) this.assembler.note(`${this.label}:${lineNo}: expected ${header.length} fields as in the header, found ${fields.length}: row skipped`);
      return;
    }
    this.rows++;
    const step = this.stepCol >= 0 ? metricCell(fields[this.stepCol]) : undefined;
    const epoch = this.epochCol >= 0 ? metricCell(fields[this.epochCol]) : undefined;
    const marks = this.assembler.layoutKind === 'marks';
    const x = marks ? step : epoch;
    if (x === undefined || !Number.isFinite(x)) return;
    if (marks && epoch !== undefined) this.assembler.mark(x, lineNo, epoch);
    for (let i = 0; i < header.length; i++) {
      if (i === this.stepCol || i === this.epochCol) continue;
      const v = metricCell(fields[i]);
      if (v !== undefined) this.assembler.point(header[i]!, x, v, lineNo);
    }
  }

  private setHeader(line: string, lineNo: number): void {
    const header = splitCsvLine(line.replace(/^\uFEFF/, '')).map((h) => h.trim());
    this.header = header;
    this.headerLine = line;
    const d = this.dialect;
    const columns = d.kind === 'generic' ? d.columns : undefined;
    const find = (names: readonly string[]): number => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
    this.epochCol = header.indexOf(columns?.epoch ?? 'epoch');
    this.stepCol = d.kind === 'keras' ? -1 : columns?.step ? header.indexOf(columns.step) : find(STEP_COLUMNS);
    if (d.kind === 'generic' && this.rows === 0 && this.skipRows === 0) {
      const step = this.stepCol >= 0 ? header[this.stepCol] : undefined;
      this.assembler = this.newAssembler({ ...columns, ...(step ? { step } : {}) });
    }
    if (this.epochCol < 0 && (this.stepCol < 0 || d.kind !== 'generic')) {
      this.assembler.noteOnce('columns', `${this.label}:${lineNo}: no ${d.kind === 'lightning' ? '"epoch" and "step" columns' : '"epoch" column'} in the header: rows cannot be placed`);
    }
  }
}
