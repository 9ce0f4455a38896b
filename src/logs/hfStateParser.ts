/**
 * Hugging Face `Trainer` trainer_state.json, rewritten whole at each save (in `checkpoint-<step>/`,
 * and in the output folder by save_state()). Its `log_history` holds training entries (`loss`,
 * `grad_norm`, `learning_rate`, a fractional `epoch`, `step`) every `logging_steps`, evaluation
 * entries (`eval_loss`, `eval_accuracy`, ...) at each evaluation, and a last summary entry
 * (`train_runtime`, `train_loss`) when training ends, which is the end marker.
 *
 * Each reread hands on only the entries after those already read. A history that no longer starts
 * with them (a run resumed from an earlier checkpoint, a new run in the same folder) is read as a
 * new segment from the first entry that differs.
 *
 * Epochs are the trainer's epochs (1.25 is in epoch 2): an epoch's validation values are its last
 * evaluation's, whether Trainer evaluates each epoch or every `eval_steps` (all evaluations are kept
 * as step-indexed scalars); its training loss is the mean of its logged losses.
 */
import { RunAssembler } from './runAssembler';
import type { LogUpdate } from './logUpdate';
import type { LogParser, ParserOptions } from './logParser';

type Entry = Readonly<Record<string, unknown>>;

/** A fingerprint of the last entry read, to tell whether a reread history still holds it. */
const entryKey = (e: Entry): string => `${String(e['step'])}|${Object.keys(e).sort().join(',')}|${String(e['loss'] ?? e['eval_loss'] ?? '')}`;

/** Python's json writes NaN and Infinity bare; as JSON they are null (a value that was not finite). */
function parseState(text: string): unknown {
  const bare = text.includes('NaN') || text.includes('Infinity');
  return JSON.parse(bare ? text.replace(/\bNaN\b/g, 'null').replace(/-?\bInfinity\b/g, 'null') : text);
}

export class HfStateParser implements LogParser {
  readonly format = 'hf-trainer-state' as const;
  readonly writes = 'whole' as const;
  private readonly assembler: RunAssembler;
  /** The step of each entry read, in order, and the last one's fingerprint: a reread history must start with them. */
  private seenSteps: number[] = [];
  private lastKey = '';
  private unreadable = false;

  constructor(private readonly options: ParserOptions) {
    this.assembler = new RunAssembler({ layout: { kind: 'marks', marks: 'huggingface' }, label: options.label, ...(options.overrides ? { overrides: options.overrides } : {}) });
  }

  feed(file: string, bytes: Uint8Array): void {
    this.reread(file, bytes);
  }

  reread(file: string, bytes: Uint8Array): void {
    const label = `${this.options.label}/${file}`;
    let state: unknown;
    try {
      state = parseState(new TextDecoder().decode(bytes));
    } catch (e) {
      // Caught while Trainer writes it: the next save (or the next poll) has it whole.
      this.unreadable = true;
      this.assembler.setWaiting(true);
      this.assembler.noteOnce(`json:${file}`, `${label}: not valid JSON yet (${(e as Error).message.slice(0, 80)}): waiting for the next save`);
      return;
    }
    this.unreadable = false;
    this.assembler.setWaiting(false);
    const history = (state as { log_history?: unknown } | null)?.log_history;
    if (!Array.isArray(history)) {
      this.assembler.noteOnce(`history:${file}`, `${label}: no "log_history" array (is this a trainer_state.json?)`);
      return;
    }
    const entries = history.filter((e): e is Entry => typeof e === 'object' && e !== null);
    const seen = this.seenSteps;
    let same = 0;
    while (same < seen.length && same < entries.length && seen[same] === entries[same]!['step']) same++;
    if (same === seen.length && same > 0 && entryKey(entries[same - 1]!) !== this.lastKey) same--;
    if (same < seen.length) {
      const at = entries[same]?.['step'];
      this.assembler.restart(`${label}: log_history no longer holds what was read (from entry ${same + 1}${at !== undefined ? `, step ${String(at)}` : ''}): a resumed or new run`, undefined);
      seen.length = same;
    }
    for (let i = same; i < entries.length; i++) this.entry(entries[i]!, i);
    this.assembler.countRecords(entries.length - same);
  }

  take(): LogUpdate {
    return this.assembler.take();
  }

  finish(): LogUpdate {
    if (this.unreadable) this.assembler.note(`${this.options.label}: the last version of trainer_state.json read was not valid JSON: the readings stop at the version before`);
    this.assembler.setWaiting(false);
    return this.assembler.finish();
  }

  private entry(e: Entry, index: number): void {
    this.seenSteps.push(typeof e['step'] === 'number' ? e['step'] : NaN);
    this.lastKey = entryKey(e);
    const step = typeof e['step'] === 'number' ? e['step'] : NaN;
    if (typeof e['epoch'] === 'number') this.assembler.mark(step, index, e['epoch']);
    for (const [key, raw] of Object.entries(e)) {
      if (key === 'step' || key === 'epoch') continue;
      const value = raw === null ? NaN : typeof raw === 'number' ? raw : undefined;
      if (value !== undefined) this.assembler.point(key, step, value, index);
    }
  }
}
