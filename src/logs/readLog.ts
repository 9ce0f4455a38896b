/**
 * Picks the reader for another trainer's log (or a bare metrics.jsonl), by file name and then by
 * content. Run folders are not logs: sources/sourceFor.ts sends them to the run-folder reader.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LogError } from './errors';
import { parseMetricsJsonl, PARTIAL_LAST_LINE_NOTE } from '../runFolder';
import type { TrainingLog } from './trainingLog';
import { FOREIGN_READERS } from './foreignReaders';
import { folderSplit, isEventFileName, readTensorBoardLog } from './tensorboardLog';

/**
 * The TensorBoard event files of a run folder: its own, and those in split-named subfolders
 * (Keras's TensorBoard callback writes logs/train/ and logs/validation/). Sorted by path, so a
 * resumed run's later file (its name holds the creation time) is read last.
 */
function eventFilesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isFile() && isEventFileName(entry.name)) found.push(p);
    else if (entry.isDirectory() && folderSplit(entry.name)) {
      for (const sub of readdirSync(p, { withFileTypes: true })) if (sub.isFile() && isEventFileName(sub.name)) found.push(path.join(p, sub.name));
    }
  }
  return found.sort();
}

const readEventFiles = (files: readonly string[], source: string): TrainingLog =>
  readTensorBoardLog(
    files.map((f) => ({ file: f, bytes: readFileSync(f) })),
    source,
  );

export function readTrainingLog(file: string): TrainingLog {
  if (!existsSync(file)) throw new LogError('no such file or folder', file);
  if (statSync(file).isDirectory()) {
    const known = ['trainer_state.json', 'metrics.csv'].map((n) => path.join(file, n)).find((p) => existsSync(p));
    if (known) return readTrainingLog(known);
    const events = eventFilesIn(file);
    if (events.length) return readEventFiles(events, file);
    throw new LogError('not a run folder (no metrics.jsonl) and no known log inside (trainer_state.json, metrics.csv, TensorBoard events.out.tfevents.* files)', file);
  }
  if (file.endsWith('.jsonl')) return readMetricsJsonlLog(file);
  if (isEventFileName(path.basename(file))) return readEventFiles([file], file);
  const text = readFileSync(file, 'utf8');
  for (const reader of FOREIGN_READERS) {
    if (reader.accepts(path.basename(file), text)) return reader.read(text, file);
  }
  throw new LogError(
    'not a log loss-lens can read: expected a run folder, a metrics.jsonl, a Keras CSVLogger .csv, a Lightning metrics.csv, a Hugging Face trainer_state.json or TensorBoard event files (events.out.tfevents.* or their folder)',
    file,
  );
}

/** A metrics.jsonl without its run folder (copied out, or written by another tool in the same format). */
export function readMetricsJsonlLog(file: string): TrainingLog {
  const metrics = parseMetricsJsonl(readFileSync(file, 'utf8'), file);
  return { format: 'loss-lens metrics.jsonl', file, epochs: metrics.epochs, steps: metrics.steps, notes: metrics.partialLastLine ? [PARTIAL_LAST_LINE_NOTE] : [] };
}
