import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCsvTable } from '../../../src/data/csvRecords';
import { loadDataset } from '../../../src/data/load';
import { configFor } from './configFor';
import { rejectsWithDataError as rejectsWith } from './testKit';

const FIXTURES = path.join(process.cwd(), 'test/fixtures/data');
const fixture = (name: string): string => path.join(FIXTURES, name);

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'losslens-data-'));
}

describe('CSV reading (RFC 4180 and real-world edges)', () => {
  test('quoted commas, doubled quotes and embedded newlines keep their text; quoted header names are unquoted', async () => {
    const table = await readCsvTable(fixture('quoted.csv'));
    assert.deepEqual(table.header, ['size, cm', 'note', 'label']);
    assert.deepEqual(table.rows, [
      ['1.5', 'a, b', 'x'],
      ['2.5', 'say "hi"', 'y'],
      ['3.5', 'line1\nline2', 'x'],
      ['4.5', 'plain', 'y'],
    ]);
  });

  test('a BOM is stripped, CRLF accepted, empty lines skipped, and the last line needs no newline', async () => {
    const table = await readCsvTable(fixture('bom-crlf-no-final-newline.csv'));
    assert.deepEqual(table.header, ['a', 'b', 'label']);
    assert.deepEqual(table.rows, [
      ['1', '10', 'p'],
      ['2', '20', 'q'],
      ['3', '30', 'p'],
      ['4', '40', 'q'],
    ]);
  });

  test('the same table with and without a trailing newline, LF or CRLF, reads the same', async () => {
    const dir = tempDir();
    try {
      const variants = ['a,label\n1,x\n2,y\n', 'a,label\n1,x\n2,y', 'a,label\r\n1,x\r\n2,y\r\n', 'a,label\r\n1,x\r\n2,y', 'a,label\n\n1,x\n  \n2,y\n\n\n'];
      for (const [i, text] of variants.entries()) {
        const file = path.join(dir, `v${i}.csv`);
        writeFileSync(file, text);
        assert.deepEqual(await readCsvTable(file), { header: ['a', 'label'], rows: [['1', 'x'], ['2', 'y']] }, JSON.stringify(text));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a quoted field with commas and newlines is one categorical value through loadDataset', async () => {
    const ds = await loadDataset(configFor({ source: 'quoted.csv', validationSplit: 0, standardize: false }), FIXTURES);
    assert.deepEqual(ds.featureNames, ['size, cm', 'note=a, b', 'note=line1\nline2', 'note=plain', 'note=say "hi"']);
    assert.deepEqual(ds.classes, ['x', 'y']);
    assert.deepEqual([...ds.train.x.subarray(0, 5)], [1.5, 1, 0, 0, 0]);
    assert.deepEqual([...ds.train.x.subarray(10, 15)], [3.5, 0, 1, 0, 0]);
  });

  test('rows are counted as records: a multi-line quoted field and skipped empty lines do not shift the row', async () => {
    const dir = tempDir();
    try {
      writeFileSync(path.join(dir, 't.csv'), 'a,b,label\n1,"two\nlines",x\n\n2,3,y\n4,5\n');
      await rejectsWith(loadDataset(configFor({ source: 't.csv' }), dir), ['t.csv, row 4 (line 6)', 'expected 3 fields', 'found 2'], { row: 4 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CSV errors name the file and the row', () => {
  test('a ragged row: file, 1-based row (header = 1), expected and actual field counts', async () => {
    await rejectsWith(loadDataset(configFor({ source: 'ragged.csv' }), FIXTURES), ['ragged.csv, row 4', 'expected 3 fields', 'found 2'], {
      file: 'ragged.csv',
      row: 4,
    });
  });

  test('a duplicate header name', async () => {
    await rejectsWith(loadDataset(configFor({ source: 'duplicate-header.csv' }), FIXTURES), ['duplicate-header.csv', 'row 1', '"a" twice', 'columns 1 and 3']);
  });

  test('an empty header name, with a hint for a pandas index and a trailing comma', async () => {
    await rejectsWith(loadDataset(configFor({ source: 'empty-header.csv' }), FIXTURES), ['empty-header.csv', 'column 2 of the header has no name']);
    const dir = tempDir();
    try {
      writeFileSync(path.join(dir, 'pandas.csv'), ',a,label\n0,1,x\n1,2,y\n');
      writeFileSync(path.join(dir, 'trailing.csv'), 'a,label,\n1,x,\n2,y,\n');
      await rejectsWith(loadDataset(configFor({ source: 'pandas.csv' }), dir), ['pandas.csv, row 1: column 1 of the header has no name', 'index=False']);
      await rejectsWith(loadDataset(configFor({ source: 'trailing.csv' }), dir), ['trailing.csv, row 1: column 3', 'trailing comma']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unclosed quote', async () => {
    await rejectsWith(loadDataset(configFor({ source: 'unclosed-quote.csv' }), FIXTURES), ['unclosed-quote.csv, row 3', 'never closed']);
  });

  test('a missing file is named as written in the config', async () => {
    await rejectsWith(loadDataset(configFor({ source: 'data/nope.csv' }), FIXTURES), ['data/nope.csv', 'no such file'], { file: 'data/nope.csv' });
    await rejectsWith(loadDataset(configFor({ train: 'explicit-train.csv', validation: 'gone.csv' }), FIXTURES), ['gone.csv', 'no such file']);
  });

  test('an empty file and a header-only file', async () => {
    const dir = tempDir();
    try {
      writeFileSync(path.join(dir, 'empty.csv'), '');
      writeFileSync(path.join(dir, 'header.csv'), 'a,label\n');
      await rejectsWith(loadDataset(configFor({ source: 'empty.csv' }), dir), ['empty.csv is empty']);
      await rejectsWith(loadDataset(configFor({ source: 'header.csv' }), dir), ['header.csv', 'no data rows']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a directory, a FIFO and a device are refused at once, not read or waited on', async () => {
    const dir = tempDir();
    try {
      await rejectsWith(loadDataset(configFor({ source: '.' }), dir), ['directory']);
      const fifo = path.join(dir, 'pipe.csv');
      execFileSync('mkfifo', [fifo]);
      // Nothing ever writes to the FIFO: a reader that opened it normally would hang here.
      await rejectsWith(loadDataset(configFor({ source: 'pipe.csv' }), dir), ['pipe.csv', 'a pipe, not a regular file']);
      await rejectsWith(loadDataset(configFor({ source: '/dev/zero' }), dir), ['/dev/zero', 'a device, not a regular file']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unreadable file', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, async () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'secret.csv');
      writeFileSync(file, 'a,label\n1,x\n', { mode: 0o000 });
      await rejectsWith(loadDataset(configFor({ source: 'secret.csv' }), dir), ['secret.csv', 'permission denied']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a runaway quoted field stops at the record size cap instead of filling memory', async () => {
    const dir = tempDir();
    try {
      const line = '1,2,x\n';
      const file = path.join(dir, 'runaway.csv');
      writeFileSync(file, 'a,b,label\n3,"4,y\n' + line.repeat(Math.ceil(20000 / line.length)));
      // A 10 000-character cap here; the default (MAX_RECORD_CHARS, 8 Mi) works the same way.
      await rejectsWith(readCsvTable(file, 'runaway.csv', 10000), ['runaway.csv, row 2:', 'longer than 10000 characters', 'unclosed quote']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files that are not comma-separated UTF-8 text', () => {
  test('a semicolon- or space-separated file is named as such (decimal commas would read as text)', async () => {
    const dir = tempDir();
    try {
      writeFileSync(path.join(dir, 'semi.csv'), 'a;b;label\n1,5;2;x\n');
      await rejectsWith(loadDataset(configFor({ source: 'semi.csv' }), dir), ['semi.csv, row 1', '";"-separated', 'comma-separated', 'decimal commas']);
      // statsmodels' spector.csv: names and values separated by single spaces.
      writeFileSync(path.join(dir, 'spaced.csv'), "'OBS' 'GPA' 'GRADE'\n1 2.66 0\n2 2.89 1\n");
      await rejectsWith(loadDataset(configFor({ source: 'spaced.csv' }), dir), ['spaced.csv, row 1', '" "-separated', 'comma-separated']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a tab-separated file (statsmodels, R write.table) is read as such, quotes and all', async () => {
    const dir = tempDir();
    try {
      // The header of statsmodels' anes96.csv quotes its names with apostrophes; a field may hold a comma.
      writeFileSync(path.join(dir, 'tabs.csv'), "'a'\t'b'\tnote\tlabel\n1\t2\t\"x, y\"\tp\n3\t4\tz\tq\n5\t6\tz\tp\n");
      const ds = await loadDataset(configFor({ source: 'tabs.csv', validationSplit: 0, standardize: false }), dir);
      assert.deepEqual(ds.classes, ['p', 'q']);
      assert.deepEqual(ds.featureNames.slice(0, 2), ["'a'", "'b'"]);
      assert.deepEqual([...ds.train.x].slice(0, 2), [1, 2]);
      // A comma-separated file whose text fields hold tabs stays comma-separated.
      writeFileSync(path.join(dir, 'commas.csv'), 'a,b,label\n1,"x\ty",p\n2,z,q\n');
      const commas = await loadDataset(configFor({ source: 'commas.csv', validationSplit: 0, standardize: false }), dir);
      assert.deepEqual(commas.classes, ['p', 'q']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('UTF-16 with a BOM is decoded (csv-parse reads the BOM); binary content (BOM-less UTF-16, a zip/xlsx) is refused', async () => {
    const dir = tempDir();
    try {
      writeFileSync(path.join(dir, 'utf16bom.csv'), Buffer.from('\ufeffa,b,label\r\n1,2,x\r\n3,4,y\r\n', 'utf16le'));
      const ds = await loadDataset(configFor({ source: 'utf16bom.csv', validationSplit: 0, standardize: false }), dir);
      assert.deepEqual([ds.featureNames, ds.classes, [...ds.train.x]], [['a', 'b'], ['x', 'y'], [1, 2, 3, 4]]);
      writeFileSync(path.join(dir, 'utf16.csv'), Buffer.from('a,b,label\r\n1,2,x\r\n', 'utf16le'));
      writeFileSync(path.join(dir, 'book.xlsx'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xff, 0xfe]));
      await rejectsWith(loadDataset(configFor({ source: 'utf16.csv' }), dir), ['utf16.csv does not look like a UTF-8 CSV']);
      await rejectsWith(loadDataset(configFor({ source: 'book.xlsx' }), dir), ['book.xlsx does not look like a UTF-8 CSV']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
