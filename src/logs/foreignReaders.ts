/** The readers of other trainers' logs, tried in order; each one is pure and lives in its own file. */
import type { TrainingLog } from './trainingLog';

export interface ForeignLogReader {
  readonly format: string;
  /** Whether this reader recognizes the file (by name and content). */
  accepts(baseName: string, text: string): boolean;
  read(text: string, file: string): TrainingLog;
}

export const FOREIGN_READERS: readonly ForeignLogReader[] = [];
