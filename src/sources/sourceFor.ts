/**
 * The source for a path a user names (`loss-lens diagnose PATH`, "Open Run or Training Log..."): a
 * run folder (or the metrics.jsonl inside one) is read as a run folder; anything else as another
 * trainer's log, by file name and then by content.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES } from '../runFolder';
import { FolderSource } from './folderSource';
import { LogSource } from './logSource';

export function runFolderOf(file: string): string | undefined {
  try {
    if (statSync(file).isDirectory()) return existsSync(path.join(file, RUN_FILES.metrics)) ? file : undefined;
  } catch {
    return undefined;
  }
  // A metrics.jsonl inside a run folder is read with its folder: config and predictions give the
  // detectors the classes (chance level) and the final calibration.
  return path.basename(file) === RUN_FILES.metrics && existsSync(path.join(path.dirname(file), RUN_FILES.config)) ? path.dirname(file) : undefined;
}

export function sourceFor(file: string): FolderSource | LogSource {
  const folder = runFolderOf(file);
  return folder !== undefined ? new FolderSource(folder) : new LogSource(file);
}
