import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { orderClasses } from '../../../src/data/classes';
import { loadDataset } from '../../../src/data/load';
import { validationCount } from '../../../src/data/split';
import { configFor } from './configFor';
import { rejectsWithDataError, withFiles } from './testKit';

const FIXTURES = path.join(process.cwd(), 'test/fixtures/data');

describe('classes and target', () => {
  test('numeric labels are ordered by value: 10, 9, 2 -> 2, 9, 10', async () => {
    const ds = await loadDataset(configFor({ source: 'numeric-labels.csv', validationSplit: 0 }), FIXTURES);
    assert.deepEqual(ds.classes, ['2', '9', '10']);
    // File labels 10, 9, 2, 10, 9, 2 -> indices 2, 1, 0, 2, 1, 0.
    assert.deepEqual([...ds.train.y], [2, 1, 0, 2, 1, 0]);
  });

  test('otherwise lexicographically by code unit; one non-number makes the whole set text', () => {
    assert.deepEqual(orderClasses(['b', 'a', 'C']), ['C', 'a', 'b']);
    assert.deepEqual(orderClasses(['10', '9', 'x']), ['10', '9', 'x']);
    assert.deepEqual(orderClasses(['1.5', '-2', '0.25', '1e1']), ['-2', '0.25', '1.5', '1e1']);
  });

  test('data.target picks the column; an unknown one lists the columns and suggests the nearest', async () => {
    const ds = await loadDataset(configFor({ source: 'explicit-train.csv', target: 'colour', validationSplit: 0 }), FIXTURES);
    assert.deepEqual(ds.classes, ['blue', 'green', 'red']);
    assert.deepEqual(ds.featureNames, ['size', 'weight', 'label=a', 'label=b']);
    await rejectsWithDataError(
      loadDataset(configFor({ source: 'explicit-train.csv', target: 'lable' }), FIXTURES),
      ['explicit-train.csv', '"lable"', 'Did you mean "label"?', '"colour", "size", "weight", "label"'],
      { column: 'lable', row: undefined },
    );
    const far = await rejectsWithDataError(loadDataset(configFor({ source: 'iris', target: 'species' }), process.cwd()), ['iris', '"species"', '"label"']);
    assert.ok(!far.message.includes('Did you mean'), far.message);
  });

  test('a single class is an error naming the target column', async () => {
    await rejectsWithDataError(loadDataset(configFor({ source: 'single-class.csv' }), FIXTURES), ['single-class.csv', '"label"', 'single class ("same")']);
  });

  test('a continuous or identifier-like target is an error that says so; integer class codes are fine', async () => {
    // 60 rows: a rate with 60 distinct fractional values (statsmodels' fair.csv "affairs" is such a column).
    const rate = Array.from({ length: 60 }, (_, i) => `${i},${(i * 0.37 + 0.01).toFixed(4)}`);
    const codes = Array.from({ length: 60 }, (_, i) => `${i},${i % 3}`);
    const ids = Array.from({ length: 300 }, (_, i) => `${i % 7},${1000 + i}`);
    const csv = (header: string, lines: string[]): string => `${header}\n${lines.join('\n')}\n`;
    await withFiles({ 'rate.csv': csv('x,rate', rate), 'ids.csv': csv('x,id', ids), 'codes.csv': csv('x,code', codes) }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ source: 'rate.csv' }), dir), ['rate.csv', '"rate" (data.target)', '60 distinct numbers', 'fractional', 'continuous'], { column: 'rate', row: undefined });
      await rejectsWithDataError(loadDataset(configFor({ source: 'ids.csv' }), dir), ['ids.csv', '"id" (data.target)', '300 classes for 300 rows', 'identifier']);
      // The same values as class codes (3 integers) train.
      const ds = await loadDataset(configFor({ source: 'codes.csv', validationSplit: 0 }), dir);
      assert.deepEqual(ds.classes, ['0', '1', '2']);
    });
  });

  test('a table with only one column has no features', async () => {
    await withFiles({ 'one.csv': 'label\nx\ny\n' }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ source: 'one.csv' }), dir), ['one.csv', 'only 1 column']);
    });
  });
});

/** 50 a, 30 b, 7 c, 2 d, 1 e, interleaved so each class is spread over the file. */
function classTable(): { csv: string; labels: string[] } {
  const labels = [...Array(50).fill('a'), ...Array(30).fill('b'), ...Array(7).fill('c'), 'd', 'd', 'e'];
  // A fixed interleaving (stride 7 over 90 rows, coprime) so classes are mixed in file order.
  const order = labels.map((_, i) => labels[(i * 7) % labels.length]!);
  return { csv: 'i,label\n' + order.map((l, i) => `${i},${l}`).join('\n') + '\n', labels: order };
}

describe('stratified split', () => {
  test('each class sends round(split * count) rows to validation: at least 1 and at most count - 1 from 2 rows up', () => {
    assert.deepEqual(
      [50, 30, 7, 2, 1].map((n) => validationCount(n, 0.2)),
      [10, 6, 1, 1, 0],
    );
    assert.equal(validationCount(2, 0.9), 1);
    assert.equal(validationCount(10, 0.25), 3); // 2.5 rounds half up
    assert.equal(validationCount(10, 0), 0);
  });

  test('proportions per class, file order in both splits, every row exactly once', async () => {
    const { csv, labels } = classTable();
    await withFiles({ 'classes.csv': csv }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'classes.csv', validationSplit: 0.2, standardize: false }), dir);
      assert.deepEqual(ds.classes, ['a', 'b', 'c', 'd', 'e']);
      const count = (y: Int32Array): number[] => ds.classes.map((_, c) => y.filter((v) => v === c).length);
      assert.deepEqual(count(ds.validation.y), [10, 6, 1, 1, 0]);
      assert.deepEqual(count(ds.train.y), [40, 24, 6, 1, 1]);
      const increasing = (a: Int32Array): boolean => a.every((v, i) => i === 0 || v > a[i - 1]!);
      assert.ok(increasing(ds.train.sourceRows), 'training rows keep file order');
      assert.ok(increasing(ds.validation.sourceRows), 'validation rows keep file order');
      assert.deepEqual([...ds.train.sourceRows, ...ds.validation.sourceRows].sort((p, q) => p - q), labels.map((_, i) => i));
      // Features and labels travel with their source row (feature i = data-row index).
      for (const split of [ds.train, ds.validation]) {
        split.sourceRows.forEach((row, r) => {
          assert.equal(split.x[r], row);
          assert.equal(ds.classes[split.y[r]!], labels[row]);
        });
      }
    });
  });

  test('the same seed gives the same split; another seed another one', async () => {
    const { csv } = classTable();
    await withFiles({ 'classes.csv': csv }, async (dir) => {
      const load = (seed: number) => loadDataset(configFor({ source: 'classes.csv', validationSplit: 0.3 }, seed), dir);
      const [a, b, c] = await Promise.all([load(7), load(7), load(8)]);
      assert.deepEqual(a.validation.sourceRows, b.validation.sourceRows);
      assert.deepEqual(a.train.x, b.train.x);
      assert.notDeepEqual(a.validation.sourceRows, c.validation.sourceRows);
    });
  });

  test('iris at 0.2: 10 validation rows per class', async () => {
    const ds = await loadDataset(configFor({ source: 'iris' }), process.cwd());
    assert.deepEqual(ds.classes, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(ds.classes.map((_, c) => ds.validation.y.filter((v) => v === c).length), [10, 10, 10]);
    assert.equal(ds.train.rows, 120);
  });
});

describe('explicit train and validation files', () => {
  test('columns are matched by header name; extra validation columns are ignored; sourceRows count per file', async () => {
    const ds = await loadDataset(configFor({ train: 'explicit-train.csv', validation: 'explicit-validation.csv', standardize: false }), FIXTURES);
    assert.equal(ds.origin, 'explicit-train.csv + explicit-validation.csv');
    assert.deepEqual(ds.featureNames, ['colour=blue', 'colour=green', 'colour=red', 'size', 'weight']);
    assert.deepEqual([...ds.train.sourceRows], [0, 1, 2, 3]);
    assert.deepEqual([...ds.validation.sourceRows], [0, 1, 2]);
    assert.deepEqual([...ds.validation.x.subarray(5, 10)], [0, 0, 1, 6, 60]);
    assert.deepEqual([...ds.validation.y], [0, 1, 0]);
  });

  test('a column missing from the validation file is named with that file', async () => {
    await rejectsWithDataError(
      loadDataset(configFor({ train: 'explicit-train.csv', validation: 'validation-missing-column.csv' }), FIXTURES),
      ['validation-missing-column.csv', 'column "size"', 'missing'],
      { file: 'validation-missing-column.csv', column: 'size' },
    );
  });

  test('text in a column that is numeric in training names the validation file, row and column', async () => {
    await rejectsWithDataError(
      loadDataset(configFor({ train: 'explicit-train.csv', validation: 'validation-text-in-numeric.csv' }), FIXTURES),
      ['validation-text-in-numeric.csv, row 3', 'column "size"', '"x2" is not a number'],
      { row: 3, column: 'size' },
    );
  });

  test('a class seen only in validation is kept (so its rows have a label) and noted', async () => {
    await withFiles({ 't.csv': 'f,label\n1,a\n2,b\n', 'v.csv': 'f,label\n1,a\n3,c\n' }, async (dir) => {
      const ds = await loadDataset(configFor({ train: 't.csv', validation: 'v.csv' }), dir);
      assert.deepEqual(ds.classes, ['a', 'b', 'c']);
      assert.deepEqual([...ds.validation.y], [0, 2]);
      assert.ok(ds.notes.some((n) => n.includes('"c"') && n.includes('never appear in t.csv')), ds.notes.join('|'));
    });
  });

  test('train without validation, or with source, is an error', async () => {
    await rejectsWithDataError(loadDataset(configFor({ train: 'explicit-train.csv' }), FIXTURES), ['data.validation is missing']);
    await rejectsWithDataError(loadDataset(configFor({ source: 'iris', train: 'a.csv', validation: 'b.csv' }), FIXTURES), ['exclude each other']);
  });
});

describe('the loader reads only what the config names', () => {
  test('bundled names are an exact list: a path-like source is a path relative to the config', async () => {
    await rejectsWithDataError(loadDataset(configFor({ source: '../iris' }), FIXTURES), ['../iris', 'no such file']);
    await rejectsWithDataError(loadDataset(configFor({ source: 'iris.csv' }), FIXTURES), ['iris.csv', 'no such file', 'write "source": "iris"']);
    await rejectsWithDataError(loadDataset(configFor({ source: 'constructor' }), FIXTURES), ['constructor', 'no such file']);
  });
});
