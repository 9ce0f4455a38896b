/**
 * A JSON-lines metric log (one object per line, e.g. `{"step": 120, "epoch": 2, "loss": 0.41}`),
 * read line by line as it grows. Its step and epoch keys are named by the mapping
 * (metricsSidecar.ts), else found among `step`/`global_step`/`iteration` and `epoch`; every other
 * numeric key is a series, mapped by name (metricNames.ts). With a step key each line is placed at
 * its step (and its epoch, when the line has one); with only an epoch key, at its epoch.
 */
import { RunAssembler } from './runAssembler';
import { LineStream } from './lineStream';
import type { LogUpdate } from './logUpdate';
import type { LogParser, ParserOptions } from './logParser';
import type { CsvColumns } from './csvLogParser';

const STEP_KEYS = ['step', 'global_step', 'iteration', 'iter', 'it'];

export class JsonlLogParser implements LogParser {
  readonly format = 'jsonl' as const;
  readonly writes = 'append' as const;
  private readonly lines = new LineStream();
  private assembler: RunAssembler | undefined;
  private stepKey: string | undefined;
  private readonly epochKey: string;
  private badLines = 0;
  private file = '';

  constructor(
    private readonly options: ParserOptions,
    private readonly columns: CsvColumns = {},
  ) {
    this.epochKey = columns.epoch ?? 'epoch';
  }

  feed(file: string, bytes: Uint8Array): void {
    this.file = file;
    if (!bytes.length) return;
    let count = 0;
    this.lines.feed(bytes, (line, lineNo) => {
      count++;
      this.line(line, lineNo);
    });
    // The layout is chosen by the first object read (see line()): no assembler before it.
    if (!this.assembler && !count) return;
    this.target.countRecords(count);
    this.target.setWaiting(this.lines.pendingLine.length > 0);
  }

  reread(file: string, bytes: Uint8Array): void {
    this.lines.reset();
    this.target.restart(`${this.options.label}/${file}: the file was rewritten from its start`, false);
    this.feed(file, bytes);
  }

  take(): LogUpdate {
    return this.target.take();
  }

  finish(): LogUpdate {
    if (this.lines.pendingLine.trim()) this.target.note(`${this.options.label}/${this.file}:${this.lines.nextLineNo}: the last line has no newline (it may be cut short): skipped`);
    this.target.setWaiting(false);
    return this.target.finish();
  }

  private get target(): RunAssembler {
    return (this.assembler ??= this.newAssembler(this.columns.step !== undefined));
  }

  private newAssembler(bySteps: boolean): RunAssembler {
    const base = this.columns.epochBase !== undefined ? { epochBase: this.columns.epochBase } : {};
    return new RunAssembler({
      layout: bySteps ? { kind: 'marks', marks: 'rows', ...base } : { kind: 'axis', ...base },
      label: this.options.label,
      ...(this.options.overrides ? { overrides: this.options.overrides } : {}),
    });
  }

  private line(line: string, lineNo: number): void {
    if (!line.trim()) return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      if (++this.badLines <= 3) this.target.note(`${this.options.label}/${this.file}:${lineNo}: not a JSON object: line skipped`);
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
    const row = o as Record<string, unknown>;
    if (!this.assembler) {
      this.stepKey = this.columns.step ?? STEP_KEYS.find((k) => typeof row[k] === 'number');
      this.assembler = this.newAssembler(this.stepKey !== undefined);
    }
    const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : v === null ? NaN : undefined);
    const step = this.stepKey ? num(row[this.stepKey]) : undefined;
    const epoch = num(row[this.epochKey]);
    const bySteps = this.stepKey !== undefined;
    const x = bySteps ? step : epoch;
    if (x === undefined || !Number.isFinite(x)) return;
    if (bySteps && epoch !== undefined) this.assembler.mark(x, lineNo, epoch);
    for (const [key, raw] of Object.entries(row)) {
      if (key === this.stepKey || key === this.epochKey) continue;
      const v = num(raw);
      if (v !== undefined) this.assembler.point(key, x, v, lineNo);
    }
  }
}
