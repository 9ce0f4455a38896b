/**
 * The one interface of the incremental readers, pure (bytes in, readings out; the file I/O is in
 * logFiles.ts). A parser reads one run, which may span several files (Keras's train/ and validation/
 * event files, a resumed run's second event file).
 */
import type { LogUpdate } from './logUpdate';
import type { MetricOverrides } from './metricNames';

export type LogFormat = 'tensorboard' | 'keras-csv' | 'lightning-csv' | 'hf-trainer-state' | 'jsonl' | 'csv';

/** How each format is named to users (also TrainingLog.format). */
export const FORMAT_NAMES: Readonly<Record<LogFormat, string>> = {
  tensorboard: 'TensorBoard event files',
  'keras-csv': 'Keras CSVLogger',
  'lightning-csv': 'Lightning metrics.csv',
  'hf-trainer-state': 'Hugging Face trainer_state.json',
  jsonl: 'JSON lines log',
  csv: 'CSV log',
};

export interface LogParser {
  readonly format: LogFormat;
  /**
   * How its files change: `append` (bytes are only added; a file found shorter or with another
   * beginning was rewritten, see reread) or `whole` (rewritten whole at each save: always reread).
   */
  readonly writes: 'append' | 'whole';
  /**
   * Bytes appended to `file` (a path relative to the run's folder) since the last call. `more`:
   * the caller has more of this file to feed in this poll (readers of several files merge them in
   * writing order, so they wait for it). The bytes are the reader's buffer, used again for the
   * next read: a parser copies what it keeps past the call.
   */
  feed(file: string, bytes: Uint8Array, more?: boolean): void;
  /** The whole content of `file`, which was rewritten (or is read whole each time). */
  reread(file: string, bytes: Uint8Array): void;
  /**
   * Of `files` (each with more to feed in this poll), the index of the one to feed next, for a
   * parser that merges its files: the one the merge waits on. Without it, files are fed in turn.
   */
  waitsOn?(files: readonly string[]): number;
  /** The readings that became known since the last take(). */
  take(): LogUpdate;
  /** The run ended (an end marker, an idle timeout, the user stopped): everything pending becomes final. */
  finish(): LogUpdate;
}

export interface ParserOptions {
  /** Metric names the built-in mapping does not know (metricsSidecar.ts). */
  readonly overrides?: MetricOverrides;
  /** The run or file to name in notes. */
  readonly label: string;
}
