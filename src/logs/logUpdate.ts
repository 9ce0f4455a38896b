/**
 * What an incremental log reader hands on after each poll: the readings that became known since the
 * previous one, in the run model's shapes. Readers keep no history of their own beyond what they need
 * to finish an epoch (its running sums, the epoch marks of its steps): steps and scalars are streamed
 * out and never kept, so a log of millions of steps reads in bounded memory. Steps travel as
 * columns (stepTable.ts), never as an object per step: a reader's own cost is then its decoding.
 */
import type { EpochMetrics, ScalarSeries } from '../model';
import { StepTable, type StepRows } from './stepTable';

/** A series the run model has no slot for: the run model's ScalarSeries, kept so it can be charted. */
export type ScalarPoints = ScalarSeries;

/**
 * A stretch of the log whose step (or epoch) numbering restarted: a second `fit()`, a run resumed
 * from a checkpoint, a second run writing into the same folder, a file rewritten from the start.
 * Segments are never merged: each one's epochs and steps are numbered on from the previous one's.
 */
export interface LogSegment {
  /** 0 for the first stretch of the log. */
  readonly index: number;
  /** The reading's first epoch and step numbers in this segment. */
  readonly firstEpoch: number;
  readonly firstStep: number;
  /** The log's own numbers where it restarted (1-based epoch; the step as written). */
  readonly loggedEpoch?: number;
  readonly loggedStep?: number;
  /**
   * Whether the log says the same training went on (Keras CSVLogger(append=True) over a second
   * fit(), a resume from a checkpoint) or not (a new run in the same log folder, a file rewritten);
   * undefined when it cannot tell. Detectors should start afresh at a segment that is not continued.
   */
  readonly continued: boolean | undefined;
  /** Why, for the user: names the file and the numbers. */
  readonly reason: string;
}

export interface LogUpdate {
  /** Epoch records that became final, epochs increasing, each sent once. */
  readonly epochs: readonly EpochMetrics[];
  /**
   * Epoch records already sent that a late value changed (a file flushed after the next epoch was
   * read: PyTorch's add_scalars writers flush on their own clock). Replace the earlier record.
   */
  readonly revised: readonly EpochMetrics[];
  /** Step records, steps increasing. */
  readonly steps: StepRows;
  /** New points of the series kept by name (every series read, the mapped ones included). */
  readonly scalars: readonly ScalarPoints[];
  /** Segments that began in this update (the first one included). */
  readonly segments: readonly LogSegment[];
  readonly notes: readonly string[];
  /** The trainer wrote its end marker (Hugging Face's final `train_runtime` entry). */
  readonly ended: boolean;
  /** The log ends with a partial record or line: the writer is still writing it. */
  readonly waiting: boolean;
  /** Records (events, lines, entries) read in this update; 0 when nothing new was there. */
  readonly records: number;
  /**
   * Set by the file reader when more bytes are already there than one poll reads (a big log read
   * from its start): poll again at once. Each poll reads a bounded amount, so memory stays bounded.
   */
  readonly more?: true;
}

/** Collects one update; take() hands it over and starts the next. */
export class UpdateBuilder {
  private epochs: EpochMetrics[] = [];
  private revised: EpochMetrics[] = [];
  private steps = new StepTable();
  private scalars = new Map<string, { name: string; axis: 'step' | 'epoch'; x: number[]; y: number[] }>();
  private segments: LogSegment[] = [];
  private notes: string[] = [];
  private ended = false;
  waiting = false;
  records = 0;

  epoch(m: EpochMetrics): void {
    this.epochs.push(m);
  }

  revise(m: EpochMetrics): void {
    const i = this.epochs.findIndex((e) => e.epoch === m.epoch);
    if (i >= 0) this.epochs[i] = m;
    else {
      const j = this.revised.findIndex((e) => e.epoch === m.epoch);
      if (j >= 0) this.revised[j] = m;
      else this.revised.push(m);
    }
  }

  /** A step record; `gradNorm` undefined: the log did not record one. */
  step(step: number, epoch: number, loss: number, gradNorm: number | undefined): void {
    this.steps.add(step, epoch, loss, gradNorm);
  }

  appendSteps(rows: StepRows): void {
    this.steps.append(rows);
  }

  scalar(name: string, axis: 'step' | 'epoch', x: number, y: number): void {
    const s = this.bucket(name, axis);
    s.x.push(x);
    s.y.push(y);
  }

  /** The points of one series in this update (valid until take(): compare `generation`). */
  bucket(name: string, axis: 'step' | 'epoch'): { x: number[]; y: number[] } {
    const key = `${axis}|${name}`;
    let s = this.scalars.get(key);
    if (!s) this.scalars.set(key, (s = { name, axis, x: [], y: [] }));
    return s;
  }

  /** Changes at each take(), so that a cached bucket is known to be stale. */
  generation = 0;

  segment(s: LogSegment): void {
    this.segments.push(s);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  end(): void {
    this.ended = true;
  }

  take(): LogUpdate {
    const update: LogUpdate = {
      epochs: this.epochs,
      revised: this.revised,
      steps: this.steps,
      scalars: [...this.scalars.values()],
      segments: this.segments,
      notes: this.notes,
      ended: this.ended,
      waiting: this.waiting,
      records: this.records,
    };
    this.epochs = [];
    this.revised = [];
    this.steps = new StepTable();
    this.scalars = new Map();
    this.generation++;
    this.segments = [];
    this.notes = [];
    this.records = 0;
    return update;
  }
}

/** Several updates as one, in order (a later revision or epoch of the same number wins). */
export function mergeUpdates(updates: readonly LogUpdate[]): LogUpdate {
  const b = new UpdateBuilder();
  for (const u of updates) {
    for (const e of u.epochs) b.epoch(e);
    for (const e of u.revised) b.revise(e);
    b.appendSteps(u.steps);
    for (const s of u.scalars) s.x.forEach((x, i) => b.scalar(s.name, s.axis, x, s.y[i]!));
    for (const s of u.segments) b.segment(s);
    for (const n of u.notes) b.note(n);
    if (u.ended) b.end();
    b.records += u.records;
  }
  b.waiting = updates.length ? updates[updates.length - 1]!.waiting : false;
  return b.take();
}
