/**
 * The dataset names a config's `data.source` may use (docs/config.md); anything else is a CSV path.
 * The one table of the bundled tables (media/datasets/PROVENANCE.md): their class counts let the
 * validator catch output/loss combinations that cannot work before any data is read, and their
 * target columns are the last column of each file, so the default works too.
 */
export const BUNDLED_DATASET_TABLE = {
  iris: { classes: 3, target: 'label' },
  wine: { classes: 3, target: 'label' },
  'breast-cancer-wisconsin': { classes: 2, target: 'label' },
  digits: { classes: 10, target: 'label' },
  'credit-g': { classes: 2, target: 'class' },
  diabetes: { classes: 2, target: 'class' },
  glass: { classes: 6, target: 'Type' },
} as const satisfies Readonly<Record<string, { readonly classes: number; readonly target: string }>>;

export type BundledDatasetName = keyof typeof BUNDLED_DATASET_TABLE;
export const BUNDLED_DATASETS = Object.keys(BUNDLED_DATASET_TABLE) as readonly BundledDatasetName[];

/** The synthetic generators (src/data/synthetic implements one per name). */
export const SYNTHETIC_DATASETS = ['spiral', 'moons', 'circles', 'xor', 'blobs'] as const;
export type SyntheticDatasetName = (typeof SYNTHETIC_DATASETS)[number];

export const BUNDLED_CLASS_COUNTS: Readonly<Record<BundledDatasetName, number>> = Object.fromEntries(BUNDLED_DATASETS.map((name) => [name, BUNDLED_DATASET_TABLE[name].classes])) as Record<BundledDatasetName, number>;

export function isBundledDataset(name: string): name is BundledDatasetName {
  return Object.prototype.hasOwnProperty.call(BUNDLED_DATASET_TABLE, name);
}

export function isSyntheticDataset(name: string): name is SyntheticDatasetName {
  return (SYNTHETIC_DATASETS as readonly string[]).includes(name);
}
