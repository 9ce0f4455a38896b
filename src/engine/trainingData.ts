/**
 * What the engine trains on: encoded splits (features row-major float32 [rows][features], labels as
 * class indices) and how the raw columns were encoded, which model.json records so inference can
 * repeat it. The data layer produces it (src/data), the engine only reads it.
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

export interface TrainingData {
  /** One name per feature after encoding, e.g. `purpose=radio/tv` for a one-hot column. */
  readonly featureNames: readonly string[];
  /** Class names in label-index order (docs/config.md: numeric order when every label is a number). */
  readonly classes: readonly string[];
  readonly train: Split;
  readonly validation: Split;
  readonly preprocessing: Preprocessing;
}
