import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDataset } from '../../../src/data/load';
import { configFor } from './configFor';
import { f32, rejectsWithDataError, rowOf, withFiles } from './testKit';

const FIXTURES = path.join(process.cwd(), 'test/fixtures/data');

/** Data rows 1 (num) and 2 (cat) miss a feature; data row 4 misses its target. */
const GAPPY = 'num,cat,label\n1,a,x\n,b,y\n3,,x\n4,b,y\n5,a,\n6,b,x\n';

describe('missing values', () => {
  test('"error" names the file, the 1-based row (header = 1) and the column', async () => {
    await withFiles({ 'gappy.csv': GAPPY }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ source: 'gappy.csv' }), dir), ['gappy.csv, row 3', 'column "num"', '"error"'], {
        file: 'gappy.csv',
        row: 3,
        column: 'num',
      });
    });
  });

  test('"error" also covers the target, and a missing value in a validation file names that file', async () => {
    await withFiles(
      {
        'target.csv': 'num,label\n1,x\n2,\n',
        'train.csv': 'num,cat,label\n1,a,x\n2,b,y\n',
        'val.csv': 'num,cat,label\n1,a,x\n2,?,y\n',
      },
      async (dir) => {
        await rejectsWithDataError(loadDataset(configFor({ source: 'target.csv' }), dir), ['target.csv, row 3', 'column "label" (the target)'], { row: 3 });
        await rejectsWithDataError(loadDataset(configFor({ train: 'train.csv', validation: 'val.csv' }), dir), ['val.csv, row 3', 'column "cat"'], {
          file: 'val.csv',
          column: 'cat',
        });
      },
    );
  });

  test('"drop" drops rows with a missing feature or target and says how many', async () => {
    await withFiles({ 'gappy.csv': GAPPY }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'gappy.csv', missing: 'drop', validationSplit: 0, standardize: false }), dir);
      assert.deepEqual([...ds.train.sourceRows], [0, 3, 5]);
      assert.deepEqual(ds.featureNames, ['num', 'cat=a', 'cat=b']);
      assert.deepEqual([...ds.train.x], [1, 1, 0, 4, 0, 1, 6, 0, 1]);
      assert.deepEqual([...ds.train.y], [0, 1, 0]);
      assert.ok(ds.notes.some((n) => n.includes('dropped 1 row with no value in the target column "label"')), ds.notes.join('|'));
      assert.ok(ds.notes.some((n) => n.includes('dropped 2 rows with missing values')), ds.notes.join('|'));
    });
  });

  test('"impute" fills the training mean and the most frequent category, recorded in preprocessing', async () => {
    await withFiles({ 'gappy.csv': GAPPY }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'gappy.csv', missing: 'impute', validationSplit: 0, standardize: false }), dir);
      // Rows with a target: data rows 0, 1, 2, 3, 5. num = 1, _, 3, 4, 6 -> mean 3.5; cat = a, b, _, b, b -> "b".
      assert.deepEqual([...ds.train.sourceRows], [0, 1, 2, 3, 5]);
      assert.deepEqual(ds.preprocessing.columns, [
        { name: 'num', kind: 'numeric', mean: 0, std: 1, impute: 3.5 },
        { name: 'cat', kind: 'categorical', categories: ['a', 'b'], impute: 'b' },
      ]);
      assert.deepEqual(rowOf(ds.train.x, 3, 1), [3.5, 0, 1]);
      assert.deepEqual(rowOf(ds.train.x, 3, 2), [3, 0, 1]);
      assert.ok(ds.notes.some((n) => n.includes('imputed 2 missing values')), ds.notes.join('|'));
      assert.ok(ds.notes.some((n) => n.includes('dropped 1 row with no value in the target')), ds.notes.join('|'));
    });
  });

  test('"impute" then standardize: statistics of the imputed column (sklearn Pipeline order)', async () => {
    await withFiles({ 'gappy.csv': GAPPY }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'gappy.csv', missing: 'impute', validationSplit: 0 }), dir);
      // Imputed num = 1, 3.5, 3, 4, 6: mean 3.5; squared deviations 6.25 + 0 + 0.25 + 0.25 + 6.25 = 13 over n = 5.
      const std = Math.sqrt(13 / 5);
      const num = ds.preprocessing.columns[0]!;
      assert.equal(num.kind, 'numeric');
      if (num.kind !== 'numeric') return;
      assert.equal(num.mean, 3.5);
      assert.ok(Math.abs(num.std - std) < 1e-15);
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((r) => ds.train.x[r * 3]),
        [1, 3.5, 3, 4, 6].map((v) => f32((v - 3.5) / std)),
      );
    });
  });

  test('a categorical tie is broken by text order, not by file order', async () => {
    await withFiles({ 'tie.csv': 'cat,label\nzeta,x\nalpha,y\n?,x\n' }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'tie.csv', missing: 'impute', validationSplit: 0 }), dir);
      assert.deepEqual(ds.preprocessing.columns[0], { name: 'cat', kind: 'categorical', categories: ['alpha', 'zeta'], impute: 'alpha' });
      assert.deepEqual(rowOf(ds.train.x, 2, 2), [1, 0]);
    });
  });

  test('"", "?", "NA", "N/A", "NaN", "nan" (trimmed) are missing; "none" and "null" are values', async () => {
    await withFiles({ 'tokens.csv': 'num,cat,label\n1,none,x\n?,null,y\n NA ,a,x\nNaN,?,y\nnan,NA,x\nN/A, ,y\n7,a,x\n' }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'tokens.csv', missing: 'impute', validationSplit: 0, standardize: false }), dir);
      assert.deepEqual(ds.preprocessing.columns, [
        { name: 'num', kind: 'numeric', mean: 0, std: 1, impute: 4 },
        { name: 'cat', kind: 'categorical', categories: ['a', 'none', 'null'], impute: 'a' },
      ]);
    });
  });

  test('a column with no value at all in training is an error naming it', async () => {
    await withFiles({ 'blank.csv': 'num,empty,label\n1,,x\n2,,y\n' }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ source: 'blank.csv', missing: 'impute', validationSplit: 0 }), dir), ['blank.csv', 'column "empty" has no value']);
    });
  });
});

describe('type inference', () => {
  test('numeric only when every present value is a plain decimal number', async () => {
    // An infinity among numbers is refused (next test), not read as a category (docs/config.md).
    const csv = 'ints,floats,exp,hex,inf,mixed,label\n1,1.5,1e3,0x1F,Infinity,3,x\n-2,.5,-2.5E-2,0x20,1,abc,y\n+3,2.,7,12,2,3.0,x\n';
    await withFiles({ 'types.csv': csv, 'finite.csv': csv.replace(/Infinity/, 'many') }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ source: 'types.csv' }), dir), ['types.csv, row 2, column "inf": "Infinity" is beyond the float32 range'], { row: 2, column: 'inf' });
      const ds = await loadDataset(configFor({ source: 'finite.csv', validationSplit: 0, standardize: false }), dir);
      assert.deepEqual(
        ds.preprocessing.columns.map((c) => c.kind),
        ['numeric', 'numeric', 'numeric', 'categorical', 'categorical', 'categorical'],
      );
      assert.deepEqual(rowOf(ds.train.x, ds.featureNames.length, 1).slice(0, 3), [-2, 0.5, f32(-0.025)]);
      // A column that turns categorical after numbers keeps the numbers' spelling ("3.0" stays "3.0").
      assert.deepEqual(ds.featureNames.filter((n) => n.startsWith('mixed=')), ['mixed=3', 'mixed=3.0', 'mixed=abc']);
    });
  });
});

describe('standardization', () => {
  test('validation rows are scaled with the TRAINING mean and population std (ddof = 0)', async () => {
    const ds = await loadDataset(configFor({ train: 'explicit-train.csv', validation: 'explicit-validation.csv' }), FIXTURES);
    // size: 1, 2, 3, 4 -> mean 2.5, std sqrt(1.25); weight: 10..40 -> mean 25, std sqrt(125).
    const size = { mean: 2.5, std: Math.sqrt(1.25) };
    const weight = { mean: 25, std: Math.sqrt(125) };
    assert.deepEqual(
      ds.preprocessing.columns.filter((c) => c.kind === 'numeric'),
      [
        { name: 'size', kind: 'numeric', ...size },
        { name: 'weight', kind: 'numeric', ...weight },
      ],
    );
    assert.deepEqual(ds.featureNames, ['colour=blue', 'colour=green', 'colour=red', 'size', 'weight']);
    const z = (v: number, s: { mean: number; std: number }): number => f32((v - s.mean) / s.std);
    assert.deepEqual(rowOf(ds.train.x, 5, 0), [0, 0, 1, z(1, size), z(10, weight)]);
    // Validation (size 5, 6, 7) in its own stats would be centred on 6; with training stats it is not.
    assert.deepEqual(
      [0, 1, 2].map((r) => ds.validation.x[r * 5 + 3]),
      [5, 6, 7].map((v) => z(v, size)),
    );
    assert.deepEqual(
      [0, 1, 2].map((r) => ds.validation.x[r * 5 + 4]),
      [50, 60, 70].map((v) => z(v, weight)),
    );
  });

  test('with a split, statistics come from the training rows only', async () => {
    const ds = await loadDataset(configFor({ source: 'wine', validationSplit: 0.3 }), process.cwd());
    const raw = await loadDataset(configFor({ source: 'wine', validationSplit: 0.3, standardize: false }), process.cwd());
    const F = ds.featureNames.length;
    for (let f = 0; f < F; f++) {
      const train = Array.from({ length: raw.train.rows }, (_, r) => raw.train.x[r * F + f]!);
      const mean = train.reduce((s, v) => s + v, 0) / train.length;
      const std = Math.sqrt(train.reduce((s, v) => s + (v - mean) ** 2, 0) / train.length);
      const enc = ds.preprocessing.columns[f]!;
      assert.ok(enc.kind === 'numeric');
      if (enc.kind !== 'numeric') return;
      // Raw features went through float32, so compare with a relative tolerance.
      assert.ok(Math.abs(enc.mean - mean) <= 1e-6 * Math.abs(mean), `${enc.name} mean`);
      assert.ok(Math.abs(enc.std - std) <= 1e-5 * std, `${enc.name} std`);
      const trainZ = Array.from({ length: ds.train.rows }, (_, r) => ds.train.x[r * F + f]!);
      const zMean = trainZ.reduce((s, v) => s + v, 0) / trainZ.length;
      assert.ok(Math.abs(zMean) < 1e-5, `${enc.name} training mean after z-scoring`);
    }
  });

  test('iris, all rows: the mean_ and scale_ sklearn StandardScaler publishes for it', async () => {
    const ds = await loadDataset(configFor({ source: 'iris', validationSplit: 0 }), process.cwd());
    const mean = [5.84333333, 3.05733333, 3.758, 1.19933333];
    const scale = [0.82530129, 0.43441097, 1.75940407, 0.75969263];
    ds.preprocessing.columns.forEach((c, i) => {
      assert.ok(c.kind === 'numeric');
      if (c.kind !== 'numeric') return;
      assert.ok(Math.abs(c.mean - mean[i]!) < 5e-9, `${c.name} mean ${c.mean}`);
      assert.ok(Math.abs(c.std - scale[i]!) < 5e-9, `${c.name} std ${c.std}`);
    });
  });

  test('a constant column gets std 1 and maps to 0', async () => {
    await withFiles({ 'const.csv': 'c,v,label\n5,1,x\n5,2,y\n5,3,x\n' }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'const.csv', validationSplit: 0 }), dir);
      assert.deepEqual(ds.preprocessing.columns[0], { name: 'c', kind: 'numeric', mean: 5, std: 1 });
      assert.deepEqual([0, 1, 2].map((r) => ds.train.x[r * 2]), [0, 0, 0]);
    });
  });
});

describe('one-hot encoding', () => {
  test('categories are sorted by text (code units: upper case first) and named column=category', async () => {
    await withFiles({ 'cats.csv': 'purpose,label\nradio/tv,x\nCar,y\nbusiness,x\nradio/tv,y\ncar,x\n' }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'cats.csv', validationSplit: 0 }), dir);
      assert.deepEqual(ds.featureNames, ['purpose=Car', 'purpose=business', 'purpose=car', 'purpose=radio/tv']);
      assert.deepEqual(rowOf(ds.train.x, 4, 0), [0, 0, 0, 1]);
      assert.deepEqual(rowOf(ds.train.x, 4, 1), [1, 0, 0, 0]);
    });
  });

  test('credit-g: 13 categorical columns one-hot encoded, e.g. purpose=radio/tv', async () => {
    const ds = await loadDataset(configFor({ source: 'credit-g' }), process.cwd());
    assert.equal(ds.preprocessing.columns.filter((c) => c.kind === 'categorical').length, 13);
    assert.ok(ds.featureNames.includes('purpose=radio/tv'));
    const F = ds.featureNames.length;
    // Every categorical column contributes exactly one 1 per row (no missing values in credit-g).
    let offset = 0;
    for (const c of ds.preprocessing.columns) {
      const width = c.kind === 'numeric' ? 1 : c.categories.length;
      if (c.kind === 'categorical') {
        assert.deepEqual(c.categories, [...c.categories].sort());
        for (let r = 0; r < ds.train.rows; r++) {
          let sum = 0;
          for (let k = 0; k < width; k++) sum += ds.train.x[r * F + offset + k]!;
          assert.equal(sum, 1, `${c.name} row ${r}`);
        }
      }
      offset += width;
    }
  });

  test('categories unseen in training encode as all zeros, with a note naming column, category and count', async () => {
    const ds = await loadDataset(configFor({ train: 'explicit-train.csv', validation: 'explicit-validation.csv' }), FIXTURES);
    // Validation rows: purple, red, purple.
    assert.deepEqual(rowOf(ds.validation.x, 5, 0).slice(0, 3), [0, 0, 0]);
    assert.deepEqual(rowOf(ds.validation.x, 5, 1).slice(0, 3), [0, 0, 1]);
    assert.deepEqual(rowOf(ds.validation.x, 5, 2).slice(0, 3), [0, 0, 0]);
    assert.ok(
      ds.notes.some((n) => n.includes('column "colour"') && n.includes('"purple"') && n.includes('(2 rows)')),
      ds.notes.join('|'),
    );
  });

  test('many unseen categories make one note: the five most frequent by name, then a count', async () => {
    const train = 'c,label\n' + ['a', 'b', 'a', 'b'].map((c, i) => `${c},${i % 2}`).join('\n') + '\n';
    const unseen = ['u1', 'u2', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'a'];
    const validation = 'c,label\n' + unseen.map((c, i) => `${c},${i % 2}`).join('\n') + '\n';
    await withFiles({ 't.csv': train, 'v.csv': validation }, async (dir) => {
      const ds = await loadDataset(configFor({ train: 't.csv', validation: 'v.csv' }), dir);
      assert.deepEqual(
        ds.notes.filter((n) => n.includes('not seen in training')),
        ['validation rows: column "c" has categories not seen in training, encoded as all zeros: "u2" (2 rows), "u1" (1 row), "u3" (1 row), "u4" (1 row), "u5" (1 row) and 2 more (2 rows)'],
      );
    });
  });
});

describe('text columns one-hot encoding cannot use', () => {
  test('an identifier-like column (mostly unique values) is left out with a note, even with gaps under "error"', async () => {
    // A quoted name with a comma in it, missing in 9 of the 60 rows: 51 distinct values in 51 rows.
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 7 === 3 ? '' : `"Passenger ${i}, Mr."`},${i % 3 === 0 ? 'S' : 'C'},${i},${i % 2}`);
    await withFiles({ 'people.csv': 'name,port,age,survived\n' + rows.join('\n') + '\n' }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'people.csv', validationSplit: 0 }), dir);
      assert.deepEqual(ds.featureNames, ['port=C', 'port=S', 'age']);
      assert.deepEqual(
        ds.preprocessing.columns.map((c) => c.name),
        ['port', 'age'],
      );
      assert.ok(ds.notes.some((n) => n.includes('column "name" is left out') && n.includes('51 distinct text values in 51 rows')), ds.notes.join('|'));
    });
  });

  test('more than 1000 categories are left out; 50 distinct values in 60 rows are kept only below the identifier threshold', async () => {
    const many = Array.from({ length: 2004 }, (_, i) => `c${i % 1002},${i % 5},${i % 2}`).join('\n');
    const few = Array.from({ length: 60 }, (_, i) => `k${i % 30},${i % 2}`).join('\n');
    await withFiles({ 'many.csv': `code,v,label\n${many}\n`, 'few.csv': `code,label\n${few}\n` }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'many.csv', validationSplit: 0 }), dir);
      assert.deepEqual(ds.featureNames, ['v']);
      assert.ok(ds.notes.some((n) => n.includes('"code"') && n.includes('1002 distinct text values, more than the 1000')), ds.notes.join('|'));
      const kept = await loadDataset(configFor({ source: 'few.csv', validationSplit: 0 }), dir);
      assert.equal(kept.featureNames.length, 30);
    });
  });

  test('when no feature column is usable, the error says so', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `id${i},${i % 2}`).join('\n');
    await withFiles({ 'ids.csv': `id,label\n${rows}\n` }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ source: 'ids.csv' }), dir), ['ids.csv', 'no usable feature column']);
    });
  });
});

test('a numeric column with a stray non-number is categorical, with a note naming the value and its row', async () => {
  // 60 distinct ages + "unknown" in 80 rows: categorical, and then identifier-like, so left out; both notes say why.
  const rows = Array.from({ length: 80 }, (_, i) => `${i === 56 ? 'unknown' : 20 + (i % 60)},${i % 3},${i % 2}`).join('\n');
  const few = Array.from({ length: 20 }, (_, i) => `${i === 3 ? '?' : i === 5 ? 'n/a' : i % 4},${i % 2}`).join('\n');
  await withFiles({ 'ages.csv': `age,x,label\n${rows}\n`, 'few.csv': `level,label\n${few}\n` }, async (dir) => {
    const ds = await loadDataset(configFor({ source: 'ages.csv', validationSplit: 0 }), dir);
    assert.ok(
      ds.notes.some((n) => n.includes('column "age" is read as categorical because of one value that is not a number (first "unknown" at row 58)')),
      ds.notes.join('|'),
    );
    assert.ok(ds.notes.some((n) => n.includes('column "age" is left out')), ds.notes.join('|'));
    assert.deepEqual(ds.featureNames, ['x']);
    // "?" is missing, "n/a" is not: a 4-level column with one stray text value stays as categories.
    const kept = await loadDataset(configFor({ source: 'few.csv', validationSplit: 0, missing: 'impute' }), dir);
    assert.deepEqual(kept.featureNames, ['level=0', 'level=1', 'level=2', 'level=3', 'level=n/a']);
    assert.ok(kept.notes.some((n) => n.includes('(first "n/a" at row 7)')), kept.notes.join('|'));
  });
});
