/**
 * The config's own inputs checked before they hurt: nesting depth, numbers past float64,
 * the text encoding, files that are not regular, models too large for memory, bounded quotes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/config/load';
import { MAX_CONFIG_DEPTH, validateConfigText } from '../../../src/config/validate';
import { scratchFolders } from '../helpers/scratch';

const FILE = '/ws/x.losslens.json';
const anyFile = { fileExists: (): boolean => true };

function errorsOf(text: string): { path: string; message: string }[] {
  return validateConfigText(text, FILE, anyFile)
    .problems.filter((p) => p.severity === 'error')
    .map((p) => ({ path: p.path.join('.'), message: p.message }));
}

describe('validator', () => {
  test('a config nested 8,000 levels deep is refused, not a stack overflow', () => {
    const text = `{"data":{"source":"iris"},"diagnostics":${'['.repeat(8000)}${']'.repeat(8000)}}`;
    const { problems } = validateConfigText(text, FILE, anyFile);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, new RegExp(`nested more than ${MAX_CONFIG_DEPTH} levels deep`));
    // Underlines the first bracket past the limit: the opening brace and 63 brackets come before it.
    assert.equal(problems[0]!.offset, text.indexOf('[') + MAX_CONFIG_DEPTH - 2 + 1);
    // Brackets in strings and comments do not count.
    assert.deepEqual(errorsOf(`{"data":{"source":"iris"},"name":"${'['.repeat(100)}" /* ${'{'.repeat(100)} */}`), []);
  });

  test('a number past float64 (1e999 reads as infinity) is refused for any key', () => {
    assert.deepEqual(errorsOf('{"data":{"source":"iris"},"loss":{"classWeights":{"setosa":1e999}}}'), [
      { path: 'loss.classWeights.setosa', message: 'must be a finite number, not one beyond ±1.8e308 (which reads as infinity)' },
    ]);
    assert.deepEqual(errorsOf('{"data":{"source":"iris"},"optimizer":{"learningRate":-1e999}}').map((p) => p.path), ['optimizer.learningRate']);
  });

  test('data.encoding must be one TextDecoder knows; a near miss is suggested', () => {
    assert.deepEqual(errorsOf('{"data":{"source":"iris","encoding":"latin1"}}'), []);
    const [problem] = validateConfigText('{"data":{"source":"iris","encoding":"windows1252"}}', FILE, anyFile).problems;
    assert.equal(problem?.path.join('.'), 'data.encoding');
    assert.equal(problem?.suggestion, 'windows-1252');
  });

  test('model.hidden too large for memory is an error as it is typed, before any data is read', () => {
    const [problem] = errorsOf('{"data":{"source":"iris"},"model":{"hidden":[14000,14000]}}');
    assert.equal(problem?.path, 'model.hidden');
    assert.match(problem!.message, /^\[14000, 14000\] makes a model of at least 196 million weights that needs at least \d+\.\d GiB to train .*more than the 2\.0 GiB a run may use/);
    assert.deepEqual(errorsOf('{"data":{"source":"iris"},"model":{"hidden":[512,512]}}'), []);
  });

  test('a 7 MB unknown key is quoted bounded, with no suggestion computed', () => {
    const key = 'k'.repeat(7 << 20);
    const started = performance.now();
    const [problem] = validateConfigText(`{"data":{"source":"iris"},"${key}":1}`, FILE, anyFile).problems;
    assert.ok(performance.now() - started < 60_000);
    assert.equal(problem?.message, `unknown key "${'k'.repeat(200)}…" (7,340,032 characters)`);
    assert.equal(problem?.suggestion, undefined);
  });
});

describe('files a config names, and the config file itself', () => {
  const dir = scratchFolders('losslens-config-inputs-')();
  const config = (body: string, name = 'x.losslens.json'): string => {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    return file;
  };

  test('a folder, a device, a FIFO, a symbolic link loop: each named for what it is', () => {
    mkdirSync(path.join(dir, 'folder.csv'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    symlinkSync('b.csv', path.join(dir, 'a.csv'));
    symlinkSync('a.csv', path.join(dir, 'b.csv'));
    const at = (text: string, key: string): string => validateConfigText(text, path.join(dir, 'x.losslens.json')).problems.find((p) => p.path.join('.') === key)?.message ?? '(none)';
    assert.match(at('{"data":{"source":"folder.csv"}}', 'data.source'), /^"folder\.csv" cannot be read: it is a directory, not a regular file/);
    assert.match(at('{"data":{"source":"/dev/zero"}}', 'data.source'), /^"\/dev\/zero" cannot be read: it is a device, not a regular file/);
    assert.match(at('{"data":{"source":"a.csv"}}', 'data.source'), /^"a\.csv" cannot be read: it is a symbolic link loop/);
    assert.match(at('{"data":{"source":"iris"},"model":{"init":"fifo.json"}}', 'model.init'), /^"fifo\.json" cannot be read: it is a pipe, not a regular file/);
    assert.match(at('{"data":{"train":"folder.csv","validation":"a.csv"}}', 'data.train'), /^"folder\.csv" cannot be read: it is a directory/);
  });

  test('a config that is not UTF-8, too large, or not a regular file is refused naming it', async () => {
    const latin1 = path.join(dir, 'latin1.losslens.json');
    writeFileSync(latin1, Buffer.from('{"data":{"source":"iris"},"name":"r\u00e9d"}', 'latin1'));
    await assert.rejects(loadConfigFile(latin1), /latin1\.losslens\.json: line 1, character 36 \(byte offset 35\): the byte E9 is not valid UTF-8 text: a config is UTF-8 text/);
    const big = config(`{"data":{"source":"iris"},"name":"${'n'.repeat((2 << 20) - 36)}"}`, 'big.losslens.json');
    await assert.rejects(loadConfigFile(big), /big\.losslens\.json: it is 2,097,152 bytes, more than the 1,048,576 bytes this file may have/);
    await assert.rejects(loadConfigFile('/dev/zero'), /^ConfigError: \/dev\/zero: it is a device, not a regular file/);
    await assert.rejects(loadConfigFile(path.join(dir, 'fifo.json')), /fifo\.json: it is a pipe, not a regular file/);
  });
});
