/**
 * A TensorBoard run: the event files of one folder and of its sub-folders that belong to it
 * (Keras's train/ and validation/, PyTorch's add_scalars `<tag>_<key>/` writers), read as they
 * grow. A sub-folder's tags are named with the folder first (`validation/epoch_loss`,
 * `Loss_val/Loss`), which gives them their split. The files' events are merged in wall-time order,
 * since each file is written by its own writer; a file still to be fed in this poll holds the
 * merge back to the last time read from it. The reader feeds next the file the merge waits on
 * (waitsOn), so memory stays at about one chunk per file whether the files were written side by
 * side or one after the other (a resumed run).
 */
import { RunAssembler } from './runAssembler';
import { decodeEvent, type ScalarSink } from './tensorboardEvents';
import { TfRecordStream, type RecordSink, type TfRecordDamage } from './tfRecord';
import type { LogUpdate } from './logUpdate';
import type { LogParser, ParserOptions } from './logParser';

/** TensorFlow's event file names: `events.out.tfevents.<time>.<host>[...]`. */
export const isEventFileName = (baseName: string): boolean => baseName.startsWith('events.out.tfevents.');

interface Queued {
  readonly name: string;
  readonly step: number;
  readonly value: number;
  readonly wall: number;
}

/** Scalars straight to the assembler: the run has one file, in its own order. */
class DirectSink implements ScalarSink {
  constructor(
    private readonly assembler: RunAssembler,
    private readonly file: EventFile,
    private readonly prefix: string,
  ) {}

  scalar(tag: string, value: number, step: number, wall: number): void {
    this.file.seen = wall;
    if (this.prefix) this.assembler.point(`${this.prefix}/${tag}`, step, value, wall, true);
    else this.assembler.point(tag, step, value, wall, false);
  }
}

/**
 * PyTorch's `add_hparams` writes its metrics to a sub-folder named by `str(time.time())` (its
 * default run_name), once, at step 0: a summary of the run, not a curve. Said in a note, not merged
 * into the epochs (it would revise epoch 1 with the run's final loss).
 */
const HPARAMS_FOLDER = /(^|\/)\d{9,10}\.\d+$/;

class HparamsSink implements ScalarSink {
  constructor(
    private readonly assembler: RunAssembler,
    private readonly label: string,
    private readonly prefix: string,
  ) {}

  scalar(tag: string, value: number): void {
    this.assembler.note(`${this.label}: add_hparams summary (${this.prefix}): "${tag}" = ${value} (a value for the whole run, not a curve)`);
  }
}

/** Scalars queued for the merge in wall-time order: the run has several files. */
class QueueSink implements ScalarSink {
  constructor(private readonly file: EventFile) {}

  scalar(tag: string, value: number, step: number, wall: number): void {
    this.file.seen = wall;
    this.file.queue.push({ name: this.file.prefix ? `${this.file.prefix}/${tag}` : tag, step, value, wall });
  }
}

/**
 * One event file of the run. Classes, not closures made per file: every file's records and scalars
 * then go through the same functions, and the decoding compiled for the first run of a logdir
 * serves the next ones (see RecordSink).
 */
class EventFile implements RecordSink {
  /** The sub-folder's path within the run ('' for the run's own folder). */
  readonly prefix: string;
  readonly stream = new TfRecordStream();
  queue: Queued[] = [];
  head = 0;
  /** The wall time of the last scalar read from the file: its next ones come after it. */
  seen = -Infinity;
  more = false;
  notEvents = 0;
  records = 0;
  readonly direct: ScalarSink;
  readonly queued: ScalarSink = new QueueSink(this);
  /** Set for an `add_hparams` folder's file (HPARAMS_FOLDER): its scalars are notes, never merged. */
  readonly hparams: ScalarSink | undefined;
  sink: ScalarSink;

  constructor(
    readonly file: string,
    assembler: RunAssembler,
    label: string,
  ) {
    const slash = file.lastIndexOf('/');
    this.prefix = slash < 0 ? '' : file.slice(0, slash);
    this.direct = new DirectSink(assembler, this, this.prefix);
    this.hparams = HPARAMS_FOLDER.test(this.prefix) ? new HparamsSink(assembler, label, this.prefix) : undefined;
    this.sink = this.hparams ?? this.direct;
  }

  record(buf: Uint8Array, start: number, end: number): void {
    this.records++;
    if (decodeEvent(buf, start, end, this.sink) < 0) this.notEvents++;
  }
}

export class TensorBoardParser implements LogParser {
  readonly format = 'tensorboard' as const;
  readonly writes = 'append' as const;
  private readonly files = new Map<string, EventFile>();
  private readonly assembler: RunAssembler;

  constructor(private readonly options: ParserOptions) {
    this.assembler = new RunAssembler({ layout: { kind: 'detect' }, label: options.label, ...(options.overrides ? { overrides: options.overrides } : {}) });
  }

  feed(file: string, bytes: Uint8Array, more = false): void {
    const f = this.fileOf(file);
    f.more = more && !f.hparams;
    // One file of curves (an add_hparams file beside it has none): its points go straight through.
    let curves = 0;
    for (const x of this.files.values()) if (!x.hparams) curves++;
    const direct = curves === 1;
    f.sink = f.hparams ?? (direct ? f.direct : f.queued);
    f.records = 0;
    const damage = f.stream.feed(bytes, f);
    this.assembler.countRecords(f.records);
    for (const d of damage) this.noteDamage(file, d, 'kept the records before and after it');
    if (f.notEvents === 1) {
      f.notEvents++;
      this.assembler.note(`${this.options.label}/${file}: a record that is not a tensorflow.Event was skipped`);
    }
    if (!direct) this.merge();
    this.assembler.setWaiting([...this.files.values()].some((x) => x.stream.pending > 0));
  }

  reread(file: string, bytes: Uint8Array): void {
    const f = this.fileOf(file);
    f.stream.reset();
    this.assembler.note(`${this.options.label}/${file}: the event file was rewritten from its start`);
    this.feed(file, bytes);
  }

  take(): LogUpdate {
    return this.assembler.take();
  }

  /** The file the merge waits on: of those still to be fed, the one read least far in wall time. */
  waitsOn(files: readonly string[]): number {
    let best = 0;
    for (let i = 1; i < files.length; i++) if (this.fileOf(files[i]!).seen < this.fileOf(files[best]!).seen) best = i;
    return best;
  }

  finish(): LogUpdate {
    for (const f of this.files.values()) f.more = false;
    this.merge();
    for (const f of this.files.values()) {
      const open = f.stream.openDamage;
      if (open) this.noteDamage(f.file, open, 'kept the records before it; no intact record follows');
      if (f.stream.pending > 0) this.assembler.note(`${this.options.label}/${f.file}: skipped a partly written last record at byte offset ${f.stream.position}`);
    }
    this.assembler.setWaiting(false);
    return this.assembler.finish();
  }

  private noteDamage(file: string, d: TfRecordDamage, kept: string): void {
    const what = d.what === 'data-crc' ? "the record's data CRC-32C does not match" : "the length's CRC-32C does not match";
    this.assembler.note(`${this.options.label}/${file}: corrupt record at byte offset ${d.offset} (${what}): skipped ${d.skipped} bytes, ${kept}`);
  }

  private fileOf(file: string): EventFile {
    let f = this.files.get(file);
    // From one file to several: the first file's points went straight through, in its own order.
    if (!f) this.files.set(file, (f = new EventFile(file, this.assembler, this.options.label)));
    return f;
  }

  /** Hands queued points over in wall-time order, up to where a file still to be fed could add earlier ones. */
  private merge(): void {
    const files = [...this.files.values()];
    let limit = Infinity;
    for (const f of files) if (f.more) limit = Math.min(limit, f.seen);
    for (;;) {
      let best: EventFile | undefined;
      for (const f of files) if (f.head < f.queue.length && (!best || f.queue[f.head]!.wall < best.queue[best.head]!.wall)) best = f;
      if (!best) break;
      const p = best.queue[best.head]!;
      if (p.wall > limit) break;
      best.head++;
      this.assembler.point(p.name, p.step, p.value, p.wall, best.prefix !== '');
    }
    for (const f of files) {
      if (f.head === f.queue.length) [f.queue, f.head] = [[], 0];
      else if (f.head > 4096) [f.queue, f.head] = [f.queue.slice(f.head), 0];
    }
  }
}
