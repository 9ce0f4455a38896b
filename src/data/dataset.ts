/**
 * The encoded, ready-to-train form of a table: what the data layer hands the engine.
 * Features are row-major float32 ([rows][features]); labels are class indices into `classes`.
 */
export interface Split {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly rows: number;
  /**
   * For each row, its 0-based data-row index in the source file (header excluded, before any
   * `missing: "drop"`), so messages and `suspectedMislabeled` can point back to the file.
   */
  readonly sourceRows: Int32Array;
}

/** How one input column became features, recorded in model.json so inference can repeat it. */
export type ColumnEncoding =
  | { readonly name: string; readonly kind: 'numeric'; readonly mean: number; readonly std: number; readonly impute?: number }
  | { readonly name: string; readonly kind: 'categorical'; readonly categories: readonly string[]; readonly impute?: string };

export interface Preprocessing {
  readonly target: string;
  readonly standardize: boolean;
  readonly columns: readonly ColumnEncoding[];
}

export interface EncodedDataset {
  /** A short description of where the data came from (bundled name, synthetic spec, or file path). */
  readonly origin: string;
  /** One name per feature after encoding, e.g. `purpose=radio/tv` for a one-hot column. */
  readonly featureNames: readonly string[];
  /** Ordered per contract §1: numerically when every label is a number, else lexicographically. */
  readonly classes: readonly string[];
  readonly train: Split;
  readonly validation: Split;
  readonly preprocessing: Preprocessing;
  /** Human-readable notes the loader wants surfaced (rows dropped, unseen categories, ...). */
  readonly notes: readonly string[];
}

/**
 * A data error that names where it happened. `file` is the path as the user wrote it or the
 * bundled dataset's name; `row` is 1-based as in a spreadsheet (the header is row 1); `column` is a name.
 */
export class DataError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly row?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'DataError';
  }
}
