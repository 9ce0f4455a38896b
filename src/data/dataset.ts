import type { TrainingData } from '../engine/trainingData';
import { InputError } from '../model';

/** The encoded, ready-to-train form of a table: what the data layer hands the engine, with where it came from. */
export interface EncodedDataset extends TrainingData {
  /** A short description of where the data came from (bundled name, synthetic spec, or file path). */
  readonly origin: string;
  /** Human-readable notes the loader wants surfaced (rows dropped, unseen categories, ...). */
  readonly notes: readonly string[];
}

/**
 * A data error that names where it happened. `file` is the path as the user wrote it or the
 * bundled dataset's name; `row` is 1-based as in a spreadsheet (the header is row 1); `column` is a name.
 */
export class DataError extends InputError {
  declare readonly column?: string;

  constructor(message: string, file?: string, row?: number, column?: string) {
    super(message, { ...(file !== undefined ? { file } : {}), ...(row !== undefined ? { row } : {}), ...(column !== undefined ? { column } : {}) });
    this.name = 'DataError';
  }
}
