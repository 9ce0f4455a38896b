/** A dataset summary for people: the CLI prints it before training. */
import type { EncodedDataset } from './dataset';

export interface DatasetSummary {
  readonly origin: string;
  readonly rows: number;
  readonly trainRows: number;
  readonly validationRows: number;
  /** Encoded features (after one-hot). */
  readonly features: number;
  /** Input columns before encoding, and how many of them are categorical. */
  readonly columns: number;
  readonly categoricalColumns: number;
  readonly classes: readonly { readonly name: string; readonly train: number; readonly validation: number }[];
}

export function summarizeDataset(ds: EncodedDataset): DatasetSummary {
  const count = (y: Int32Array): number[] => {
    const counts = new Array<number>(ds.classes.length).fill(0);
    for (const label of y) counts[label]!++;
    return counts;
  };
  const train = count(ds.train.y);
  const validation = count(ds.validation.y);
  return {
    origin: ds.origin,
    rows: ds.train.rows + ds.validation.rows,
    trainRows: ds.train.rows,
    validationRows: ds.validation.rows,
    features: ds.featureNames.length,
    columns: ds.preprocessing.columns.length,
    categoricalColumns: ds.preprocessing.columns.filter((c) => c.kind === 'categorical').length,
    classes: ds.classes.map((name, i) => ({ name, train: train[i]!, validation: validation[i]! })),
  };
}

/**
 * E.g. "iris (bundled): 150 rows (120 training, 30 validation), 4 features, 3 classes:
 * setosa 40/10, versicolor 40/10, virginica 40/10 (training/validation)", then one line per note.
 */
export function describeDataset(ds: EncodedDataset): string {
  const s = summarizeDataset(ds);
  const features =
    s.categoricalColumns > 0
      ? `${s.features} features (${s.columns} columns, ${s.categoricalColumns} categorical one-hot encoded)`
      : `${s.features} feature${s.features === 1 ? '' : 's'}`;
  const classes = s.classes.map((c) => `${c.name} ${c.train}/${c.validation}`).join(', ');
  const lines = [
    `${s.origin}: ${s.rows} rows (${s.trainRows} training, ${s.validationRows} validation), ${features}, ` +
      `${s.classes.length} classes: ${classes} (training/validation)`,
    ...ds.notes.map((note) => `  note: ${note}`),
  ];
  return lines.join('\n');
}
