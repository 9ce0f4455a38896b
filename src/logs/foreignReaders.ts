/** The readers of other trainers' logs, tried in order; each one is pure and lives in its own file. */
import type { TrainingLog } from './trainingLog';
import { hfTrainerStateLogReader } from './hfTrainerStateLog';
import { kerasCsvLogReader } from './kerasCsvLog';
import { lightningCsvLogReader } from './lightningCsvLog';

export interface ForeignLogReader {
  readonly format: string;
  /** Whether this reader recognizes the file (by name and content). */
  accepts(baseName: string, text: string): boolean;
  read(text: string, file: string): TrainingLog;
}

/** Lightning before Keras: both are CSVs with an `epoch` column; only Lightning's has `step`. */
export const FOREIGN_READERS: readonly ForeignLogReader[] = [hfTrainerStateLogReader, lightningCsvLogReader, kerasCsvLogReader];
