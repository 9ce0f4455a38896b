/**
 * Picks the reader for a path `loss-lens diagnose` (or the extension's "Open Run") is given: a run
 * folder, a metrics.jsonl, or another trainer's log, by file name and then by content.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LogError } from './errors';
import { readMetricsJsonlLog, readRunFolderLog } from './runFolderLog';
import type { TrainingLog } from './trainingLog';
import { FOREIGN_READERS } from './foreignReaders';

export function readTrainingLog(file: string): TrainingLog {
  if (!existsSync(file)) throw new LogError('no such file or folder', file);
  if (statSync(file).isDirectory()) {
    if (existsSync(path.join(file, 'metrics.jsonl'))) return readRunFolderLog(file);
    const known = ['trainer_state.json', 'metrics.csv'].map((n) => path.join(file, n)).find((p) => existsSync(p));
    if (known) return readTrainingLog(known);
    throw new LogError('not a run folder (no metrics.jsonl) and no known log inside', file);
  }
  // A metrics.jsonl inside a run folder is read with its folder: config and predictions give the
  // detectors the classes (chance level) and the final calibration.
  if (path.basename(file) === 'metrics.jsonl' && existsSync(path.join(path.dirname(file), 'config.json'))) return readRunFolderLog(path.dirname(file));
  if (file.endsWith('.jsonl')) return readMetricsJsonlLog(file);
  const text = readFileSync(file, 'utf8');
  for (const reader of FOREIGN_READERS) {
    if (reader.accepts(path.basename(file), text)) return reader.read(text, file);
  }
  throw new LogError(
    'not a log loss-lens can read: expected a run folder, a metrics.jsonl, a Keras CSVLogger .csv, a Lightning metrics.csv or a Hugging Face trainer_state.json',
    file,
  );
}
