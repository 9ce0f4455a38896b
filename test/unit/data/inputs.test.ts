/**
 * Inputs checked before they hurt: text encodings, values beyond float32, files that
 * are not regular, messages that quote inputs bounded, and files outside the workspace quoted not
 * at all. Each case failed before these checks (merged labels, a NaN blamed on the learning
 * rate, a hang, a whole input echoed).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { loadDataset } from '../../../src/data/load';
import { describeFailure } from '../../../src/model';
import { configFor } from './configFor';
import { rejectsWithDataError, withFiles } from './testKit';

/** Latin-1 bytes: "réd" and "rèd" differ only in a byte that is not UTF-8. */
const LATIN1_COLORS = Buffer.from('x,color\n' + Array.from({ length: 12 }, (_, i) => `${i},${['r\u00e9d', 'r\u00e8d', 'blue'][i % 3]}\n`).join(''), 'latin1');

describe('text encodings', () => {
  test('a Latin-1 file is refused at its first non-UTF-8 byte, never merged through U+FFFD', async () => {
    await withFiles({ 'colors.csv': LATIN1_COLORS }, async (dir) => {
      const e = await rejectsWithDataError(loadDataset(configFor({ source: 'colors.csv' }), dir), [
        'colors.csv, line 2, character 4 (byte offset 11): the byte E9 is not valid UTF-8 text',
        'data.encoding',
      ]);
      assert.equal(e.file, 'colors.csv');
    });
  });

  test('with data.encoding "windows-1252" the file reads, and réd and rèd are two classes', async () => {
    await withFiles({ 'colors.csv': LATIN1_COLORS }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'colors.csv', encoding: 'windows-1252' }), dir);
      assert.deepEqual(ds.classes, ['blue', 'rèd', 'réd']);
    });
  });

  test('a bad byte in a categorical feature of a later chunk is placed exactly', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},c${i % 3},${i % 2}`);
    const head = Buffer.from(`a,cat,label\n${rows.join('\n')}\n`);
    const bytes = Buffer.concat([head, Buffer.from('1,caf'), Buffer.from([0xe9]), Buffer.from(',0\n')]);
    await withFiles({ 'big.csv': bytes }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ source: 'big.csv' }), dir), [`big.csv, line 20002, character 6 (byte offset ${(head.length + 5).toLocaleString('en-US')})`]);
    });
  });

  test('numeric-looking class labels spelled differently stay distinct, with a note that says so', async () => {
    const csv = 'x,label\n' + ['1', '01', '1.0', '2', '0', '-0'].flatMap((l, i) => [`${i},${l}`, `${i + 0.5},${l}`]).join('\n') + '\n';
    await withFiles({ 'labels.csv': csv }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'labels.csv', validationSplit: 0.5 }), dir);
      assert.deepEqual(ds.classes, ['-0', '0', '01', '1', '1.0', '2']);
      const note = ds.notes.find((n) => n.includes('kept as distinct classes'));
      assert.ok(note, ds.notes.join('\n'));
      assert.match(note, /labels\.csv: the target column "label" has one number spelled 2 ways \("-0", "0"\) and 1 more number spelled several ways/);
    });
  });
});

describe('values beyond float32', () => {
  test('a column of ±1e308 is refused naming the file, row and column', async () => {
    const csv = 'a,b,label\n' + Array.from({ length: 10 }, (_, i) => `${i % 2 ? '1e308' : '-1e308'},${i},${i % 2}`).join('\n') + '\n';
    await withFiles({ 'huge.csv': csv }, async (dir) => {
      await rejectsWithDataError(
        loadDataset(configFor({ source: 'huge.csv' }), dir),
        ['huge.csv, row 2, column "a": "-1e308" is beyond the float32 range training computes in (±3.4028235e38)'],
        { file: 'huge.csv', row: 2, column: 'a' },
      );
    });
  });

  test('an infinity and a literal past float64 are refused; so is 3.5e38, but not 3.4028235e38', async () => {
    await withFiles(
      {
        'inf.csv': 'a,label\n1,x\n-inf,y\n2,x\n',
        'big.csv': 'a,label\n1,x\n2,y\n1e400,x\n',
        'f32.csv': 'a,label\n1,x\n3.5e38,y\n',
        'edge.csv': 'a,label\n3.4028235e38,x\n-3.4028235e38,y\n',
      },
      async (dir) => {
        await rejectsWithDataError(loadDataset(configFor({ source: 'inf.csv' }), dir), ['inf.csv, row 3, column "a": "-inf"'], { row: 3 });
        await rejectsWithDataError(loadDataset(configFor({ source: 'big.csv' }), dir), ['big.csv, row 4, column "a": "1e400"'], { row: 4 });
        await rejectsWithDataError(loadDataset(configFor({ source: 'f32.csv' }), dir), ['f32.csv, row 3, column "a": "3.5e38"']);
        const ds = await loadDataset(configFor({ source: 'edge.csv', validationSplit: 0.5, standardize: false }), dir);
        assert.equal(ds.preprocessing.columns[0]!.kind, 'numeric');
      },
    );
  });

  test('a number past float32 in a text column is a category, as any other text', async () => {
    await withFiles({ 'text.csv': 'a,label\nred,x\n1e39,y\nred,x\n1e39,y\n' }, async (dir) => {
      const ds = await loadDataset(configFor({ source: 'text.csv', validationSplit: 0.5 }), dir);
      assert.deepEqual(ds.featureNames, ['a=1e39', 'a=red']);
    });
  });

  test('a validation value whose standardization overflows float32 is refused, naming its row', async () => {
    // Training spread 1e-150: a validation value of 1 standardizes to about 1e150, an infinity in float32.
    await withFiles({ 'train.csv': 'a,label\n1e-150,x\n3e-150,y\n', 'val.csv': 'a,label\n2e-150,x\n1,y\n' }, async (dir) => {
      await rejectsWithDataError(loadDataset(configFor({ train: 'train.csv', validation: 'val.csv' }), dir), ['val.csv, row 3, column "a": 1 standardized with the training mean 2e-150 and standard deviation 1e-150'], {
        file: 'val.csv',
        row: 3,
        column: 'a',
      });
    });
  });
});

describe('only regular files are read, with the true cause named', () => {
  test('a folder, a FIFO, a device, a symbolic link loop, a dangling link', async () => {
    await withFiles({}, async (dir) => {
      mkdirSync(path.join(dir, 'folder.csv'));
      execFileSync('mkfifo', [path.join(dir, 'pipe.csv')]);
      symlinkSync('loop2.csv', path.join(dir, 'loop1.csv'));
      symlinkSync('loop1.csv', path.join(dir, 'loop2.csv'));
      symlinkSync('gone.csv', path.join(dir, 'dangling.csv'));
      const cases: [string, string][] = [
        ['folder.csv', 'it is a directory, not a regular file'],
        ['pipe.csv', 'it is a pipe, not a regular file'],
        ['/dev/zero', 'it is a device, not a regular file'],
        ['loop1.csv', 'it is a symbolic link loop'],
        ['dangling.csv', 'no such file (it is a symbolic link to a file that does not exist)'],
      ];
      for (const [source, why] of cases) {
        await rejectsWithDataError(loadDataset(configFor({ source }), dir), [`Cannot read data file ${source}: ${why}`], { file: source });
      }
    });
  });
});

describe('messages quote inputs bounded', () => {
  const BIG = 'h'.repeat(7 << 20);
  const BOUNDED = `"${'h'.repeat(200)}…" (7,340,032 characters)`;

  test('a 7 MB header name, in the list of available columns', async () => {
    await withFiles({ 'head.csv': `a,${BIG},label\n1,2,x\n3,4,y\n` }, async (dir) => {
      const e = await rejectsWithDataError(loadDataset(configFor({ source: 'head.csv', target: 'nope' }), dir), [`Available columns: "a", ${BOUNDED}, "label"`]);
      assert.ok(e.message.length < 1000, `${e.message.length} characters`);
    });
  });

  test('a 7 MB cell that is not a number, and a 7 MB single class', async () => {
    await withFiles(
      {
        'train.csv': 'a,b,label\n1,2,x\n3,4,y\n',
        'val.csv': `a,b,label\n1,${BIG},x\n`,
        'one.csv': `a,label\n1,${BIG}\n2,${BIG}\n`,
      },
      async (dir) => {
        const cell = await rejectsWithDataError(loadDataset(configFor({ train: 'train.csv', validation: 'val.csv' }), dir), [`val.csv, row 2, column "b": ${BOUNDED} is not a number`]);
        assert.ok(cell.message.length < 1000);
        const single = await rejectsWithDataError(loadDataset(configFor({ source: 'one.csv' }), dir), [`has a single class (${BOUNDED})`]);
        assert.ok(single.message.length < 1000);
      },
    );
  });

  test('10,001 columns: twenty names, then how many more', async () => {
    const names = Array.from({ length: 10001 }, (_, i) => `col${i}`);
    await withFiles({ 'wide.csv': `${names.join(',')}\n${names.map(() => '1').join(',')}\n` }, async (dir) => {
      const e = await rejectsWithDataError(loadDataset(configFor({ source: 'wide.csv', target: 'nope' }), dir), ['"col19" and 9,981 more']);
      assert.ok(!e.message.includes('"col20"'));
    });
  });
});

describe('a file outside the config folder and the workspace', () => {
  const SECRET = 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  test('is read, but no message quotes what it holds', async () => {
    await withFiles({ 'home/.aws/credentials': `${SECRET},aws_access_key_id=AKIAIOSFODNN7EXAMPLE\n1,2\n`, 'ws/x.losslens.json': '{}' }, async (dir) => {
      const ws = path.join(dir, 'ws');
      const e = await rejectsWithDataError(loadDataset(configFor({ source: '../home/.aws/credentials', target: 'label' }), ws), [
        'Available columns: 2 (not shown)',
        "is outside the config's folder and the workspace",
      ]);
      assert.ok(!e.message.includes('AWS_SECRET') && !e.message.includes('AKIA'), e.message);
    });
  });

  test('an error that names a column of such a file does not show the name, even as the CLI prints it', async () => {
    await withFiles({ 'home/keys.csv': `${SECRET},label\n1e39,x\n2,y\n`, 'ws/x.losslens.json': '{}' }, async (dir) => {
      const e = await rejectsWithDataError(loadDataset(configFor({ source: '../home/keys.csv' }), path.join(dir, 'ws')), ['../home/keys.csv, row 2, column (not shown): (not shown) is beyond the float32 range']);
      const printed = describeFailure(e).message;
      assert.ok(!printed.includes('AWS_SECRET') && !printed.includes('1e39'), printed);
    });
  });

  test('a link inside the workspace to a file outside it is outside; a workspace root makes a file inside', async () => {
    await withFiles({ 'home/secret.csv': `${SECRET},label\n1,x\n`, 'ws/configs/x.losslens.json': '{}', 'ws/data/d.csv': `${SECRET},label\n1,x\n` }, async (dir) => {
      const configs = path.join(dir, 'ws', 'configs');
      symlinkSync(path.join(dir, 'home', 'secret.csv'), path.join(configs, 'link.csv'));
      const linked = await rejectsWithDataError(loadDataset(configFor({ source: 'link.csv', target: 'nope' }), configs), ['(not shown)']);
      assert.ok(!linked.message.includes('AWS_SECRET'), linked.message);
      // ../data is outside the config's folder, inside the workspace: quoted.
      await rejectsWithDataError(loadDataset(configFor({ source: '../data/d.csv', target: 'nope' }), configs, { workspaceRoots: [path.join(dir, 'ws')] }), ['"AWS_SECRET_ACCESS_KEY=']);
    });
  });
});
