/**
 * A TensorBoard run: the event files of one folder and of its sub-folders that belong to it
 * (Keras's train/ and validation/, PyTorch's add_scalars `<tag>_<key>/` writers), read as they
 * grow. A sub-folder's tags are named with the folder first (`validation/epoch_loss`,
 * `Loss_val/Loss`), which gives them their split. The files' events are merged in wall-time order,
 * since each file is written by its own writer; a file still to be fed in this poll holds the
 * merge back until it is, so memory stays at about one chunk per file.
 */
import { RunAssembler } from './runAssembler';
import { decodeEvent, type ScalarSink } from './tensorboardEvents';
import { TfRecordStream, type TfRecordDamage } from './tfRecord';
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

interface EventFile {
  readonly file: string;
  /** The sub-folder's path within the run ('' for the run's own folder). */
  readonly prefix: string;
  readonly stream: TfRecordStream;
  queue: Queued[];
  head: number;
  more: boolean;
  notEvents: number;
  records: number;
  /**
   * Made once per file, not per feed: the hot loop then always calls the same functions, and V8's
   * compiled code is not thrown away at each chunk for "wrong call target".
   */
  readonly onRecord: (buf: Uint8Array, start: number, end: number) => void;
  /** Scalars straight to the assembler (the run has one file), or queued for the merge. */
  readonly direct: ScalarSink;
  readonly queued: ScalarSink;
  sink: ScalarSink;
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
    f.more = more;
    const direct = this.files.size === 1;
    f.sink = direct ? f.direct : f.queued;
    f.records = 0;
    const damage = f.stream.feed(bytes, f.onRecord);
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
    if (!f) {
      const slash = file.lastIndexOf('/');
      const prefix = slash < 0 ? '' : file.slice(0, slash);
      const named = (tag: string): string => (prefix ? `${prefix}/${tag}` : tag);
      const direct: ScalarSink = { scalar: (tag, value, step, wall) => this.assembler.point(named(tag), step, value, wall, prefix !== '') };
      const queued: ScalarSink = { scalar: (tag, value, step, wall) => f!.queue.push({ name: named(tag), step, value, wall }) };
      const onRecord = (buf: Uint8Array, start: number, end: number): void => {
        f!.records++;
        if (decodeEvent(buf, start, end, f!.sink) < 0) f!.notEvents++;
      };
      this.files.set(file, (f = { file, prefix, stream: new TfRecordStream(), queue: [], head: 0, more: false, notEvents: 0, records: 0, onRecord, direct, queued, sink: direct }));
      // From one file to several: the first file's points went straight through, in its own order.
    }
    return f;
  }

  /** Hands queued points over in wall-time order, up to where a file still to be fed could add earlier ones. */
  private merge(): void {
    const files = [...this.files.values()];
    let limit = Infinity;
    for (const f of files) if (f.more) limit = Math.min(limit, f.head < f.queue.length ? f.queue[f.queue.length - 1]!.wall : -Infinity);
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
