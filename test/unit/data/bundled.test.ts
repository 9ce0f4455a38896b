import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BUNDLED_DATASETS, bundledDatasetsDir, setBundledDatasetsDir } from '../../../src/data/bundled';
import { describeDataset } from '../../../src/data/describe';
import { loadDataset } from '../../../src/data/load';
import { configFor } from './configFor';
import { withFiles } from './testKit';

/** rows, input columns, encoded features, classes: from media/datasets/PROVENANCE.md. */
const EXPECTED: Record<string, { rows: number; columns: number; features: number; classes: number; categorical: number }> = {
  iris: { rows: 150, columns: 4, features: 4, classes: 3, categorical: 0 },
  wine: { rows: 178, columns: 13, features: 13, classes: 3, categorical: 0 },
  'breast-cancer-wisconsin': { rows: 569, columns: 30, features: 30, classes: 2, categorical: 0 },
  digits: { rows: 1797, columns: 64, features: 64, classes: 10, categorical: 0 },
  'credit-g': { rows: 1000, columns: 20, features: 61, classes: 2, categorical: 13 },
  diabetes: { rows: 768, columns: 8, features: 8, classes: 2, categorical: 0 },
  glass: { rows: 214, columns: 9, features: 9, classes: 6, categorical: 0 },
};

describe('bundled datasets', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(`${name} loads with the documented shape and target`, async () => {
      const ds = await loadDataset(configFor({ source: name }), process.cwd());
      assert.equal(ds.train.rows + ds.validation.rows, expected.rows);
      assert.equal(ds.preprocessing.columns.length, expected.columns);
      assert.equal(ds.preprocessing.columns.filter((c) => c.kind === 'categorical').length, expected.categorical);
      assert.equal(ds.featureNames.length, expected.features);
      assert.equal(ds.classes.length, expected.classes);
      assert.equal(ds.preprocessing.target, BUNDLED_DATASETS[name]);
      assert.equal(ds.train.x.length, ds.train.rows * expected.features);
      assert.ok(ds.train.x.every(Number.isFinite) && ds.validation.x.every(Number.isFinite));
      // The default "last column" target is the documented one: naming it explicitly changes nothing.
      const explicit = await loadDataset(configFor({ source: name, target: BUNDLED_DATASETS[name] }), process.cwd());
      assert.deepEqual(explicit.train.x, ds.train.x);
      assert.ok(describeDataset(ds).includes(`${expected.rows} rows`));
    });
  }

  test('every bundled name is tested', () => {
    assert.deepEqual(Object.keys(BUNDLED_DATASETS).sort(), Object.keys(EXPECTED).sort());
  });
});

test('describeDataset: rows, split sizes, features, classes with per-split counts, notes', async () => {
  const iris = await loadDataset(configFor({ source: 'iris' }), process.cwd());
  assert.equal(
    describeDataset(iris),
    'iris (bundled): 150 rows (120 training, 30 validation), 4 features, 3 classes: setosa 40/10, versicolor 40/10, virginica 40/10 (training/validation)',
  );
  const credit = await loadDataset(configFor({ source: 'credit-g' }), process.cwd());
  assert.match(describeDataset(credit), /^credit-g \(bundled\): 1000 rows \(800 training, 200 validation\), 61 features \(20 columns, 13 categorical one-hot encoded\), 2 classes: bad 240\/60, good 560\/140/);
});

test('setBundledDatasetsDir points bundled names at another folder, and undefined restores the search', async () => {
  await withFiles({ 'iris.csv': 'a,label\n1,x\n2,y\n3,x\n4,y\n' }, async (dir) => {
    setBundledDatasetsDir(dir);
    try {
      assert.equal(bundledDatasetsDir(), dir);
      const ds = await loadDataset(configFor({ source: 'iris' }), process.cwd());
      assert.equal(ds.train.rows + ds.validation.rows, 4);
    } finally {
      setBundledDatasetsDir(undefined);
    }
  });
  // Found by walking up from the test bundle (out/test/unit/data) to the repository's media/datasets.
  assert.equal(bundledDatasetsDir(), path.join(process.cwd(), 'media', 'datasets'));
});
