/** The readers of other trainers' logs, tried in order; each one is pure and lives in its own file. */
import type { ForeignLogReader } from './trainingLog';
import { hfTrainerStateLogReader } from './hfTrainerStateLog';
import { kerasCsvLogReader } from './kerasCsvLog';
import { lightningCsvLogReader } from './lightningCsvLog';

/** Lightning before Keras: both are CSVs with an `epoch` column; only Lightning's has `step`. */
export const FOREIGN_READERS: readonly ForeignLogReader[] = [hfTrainerStateLogReader, lightningCsvLogReader, kerasCsvLogReader];
