/**
 * The dataset names a config's `data.source` may use (contract §1). Anything else is a CSV path.
 * Class counts of the bundled tables (../shared/datasets/README.md) let the validator catch
 * output/loss combinations that cannot work before any data is read.
 */
export const BUNDLED_DATASETS = ['iris', 'wine', 'breast-cancer-wisconsin', 'digits', 'credit-g', 'diabetes', 'glass'] as const;
export const SYNTHETIC_DATASETS = ['spiral', 'moons', 'circles', 'xor', 'blobs'] as const;

export const BUNDLED_CLASS_COUNTS: Readonly<Record<(typeof BUNDLED_DATASETS)[number], number>> = {
  iris: 3,
  wine: 3,
  'breast-cancer-wisconsin': 2,
  digits: 10,
  'credit-g': 2,
  diabetes: 2,
  glass: 6,
};

export function isBundledDataset(name: string): name is (typeof BUNDLED_DATASETS)[number] {
  return (BUNDLED_DATASETS as readonly string[]).includes(name);
}

export function isSyntheticDataset(name: string): name is (typeof SYNTHETIC_DATASETS)[number] {
  return (SYNTHETIC_DATASETS as readonly string[]).includes(name);
}
