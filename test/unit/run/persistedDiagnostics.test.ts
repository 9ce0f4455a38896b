// A run folder's diagnostics.json is untrusted on the way in (anyone can write the file): a fix that
// edits anything but the keys detectors edit, or with a value of the wrong kind, is dropped, so a
// fix titled "Lower the learning rate" can never point data.source at ~/.ssh/id_rsa.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readRunFolder } from '../../../src/runFolder';
import { loadRunFolder } from '../../../src/store/pastRuns';
import { scratchFolders } from '../helpers/scratch';

const tmp = scratchFolders('losslens-persisted-');

function folderWith(flags: unknown[]): string {
  const dir = tmp();
  writeFileSync(path.join(dir, 'metrics.jsonl'), '{"epoch":1,"trainLoss":1,"valLoss":1,"trainAccuracy":0.5,"valAccuracy":0.5,"learningRate":0.01,"gradNorm":1,"timeMs":1}\n');
  writeFileSync(path.join(dir, 'diagnostics.json'), JSON.stringify({ flags, calibration: null, suspectedMislabeled: [] }));
  return dir;
}

const flag = (fix: unknown[], extra: Record<string, unknown> = {}) => ({ kind: 'exploding-loss', severity: 'error', epoch: 1, message: 'Exploding loss', evidence: {}, fix, ...extra });

test('a fix that edits a path, or a key no detector edits, is dropped; a real fix is kept', () => {
  const dir = folderWith([
    flag([
      { title: 'Lower the learning rate', edits: [{ path: 'optimizer.learningRate', value: 0.001 }, { path: 'data.source', value: '~/.ssh/id_rsa' }] },
      { title: 'Start from a model', edits: [{ path: 'model.init', value: '/etc/passwd' }] },
      { title: 'Lower the learning rate to 1e-3', edits: [{ path: 'optimizer.learningRate', value: 0.001 }] },
      { title: 'A string rate', edits: [{ path: 'optimizer.learningRate', value: '0.001' }] },
      { title: 'An activation that is a path', edits: [{ path: 'model.activation', value: '../../x' }] },
    ]),
  ]);
  const fixes = readRunFolder(dir).diagnostics?.flags[0]?.fix ?? [];
  assert.deepEqual(fixes, [{ title: 'Lower the learning rate to 1e-3', edits: [{ path: 'optimizer.learningRate', value: 0.001 }] }]);
});

test('a flag of the wrong shape is dropped, a long message is cut, and the run still reads back', async () => {
  const dir = folderWith([flag([], { severity: 'catastrophic' }), { kind: 'overfitting' }, flag([], { message: 'x'.repeat(100_000) })]);
  const flags = readRunFolder(dir).diagnostics?.flags ?? [];
  assert.equal(flags.length, 1);
  assert.ok(flags[0]!.message.length <= 4001, `${flags[0]!.message.length} characters`);
  const run = await loadRunFolder(dir);
  assert.equal(run?.flags.length, 1);
  assert.equal(run?.epochs.length, 1);
});

test('a diagnostics.json that is not JSON becomes a note; metrics.jsonl is still read', () => {
  const dir = folderWith([]);
  writeFileSync(path.join(dir, 'diagnostics.json'), '{"flags": [');
  const folder = readRunFolder(dir);
  assert.equal(folder.epochs.length, 1);
  assert.equal(folder.diagnostics, undefined);
  assert.match(folder.notes.join('\n'), /diagnostics\.json could not be read and was ignored/);
});

test('the figures after temperature scaling and the ECE trend read back; malformed ones are dropped, older files lack them', () => {
  const bin = { lower: 0, upper: 1, count: 3, accuracy: 0.5, confidence: 0.6 };
  const base = { ece: 0.1, mce: 0.2, brier: 0.3, bins: [bin], temperature: 1.5, eceAfterTemperature: 0.05 };
  const write = (diagnostics: Record<string, unknown>): string => {
    const dir = folderWith([]);
    writeFileSync(path.join(dir, 'diagnostics.json'), JSON.stringify({ flags: [], suspectedMislabeled: [], ...diagnostics }));
    return dir;
  };
  const full = readRunFolder(write({ calibration: { ...base, mceAfterTemperature: 0.1, brierAfterTemperature: 0.25, binsAfterTemperature: [bin], evil: 'x' }, eceByEpoch: [{ epoch: 1, ece: 0.2, eceAfterTemperature: 0.1 }, { epoch: 2, ece: 0.1 }, { epoch: 'x', ece: 1 }] })).diagnostics;
  assert.deepEqual(full?.calibration, { ...base, mceAfterTemperature: 0.1, brierAfterTemperature: 0.25, binsAfterTemperature: [bin] });
  assert.deepEqual(full?.eceByEpoch, [{ epoch: 1, ece: 0.2, eceAfterTemperature: 0.1 }, { epoch: 2, ece: 0.1 }]);
  const malformed = readRunFolder(write({ calibration: { ...base, mceAfterTemperature: 'high', binsAfterTemperature: [{ lower: 0 }] }, eceByEpoch: 'none' })).diagnostics;
  assert.deepEqual(malformed?.calibration, base);
  assert.equal(malformed?.eceByEpoch, undefined);
  assert.equal(readRunFolder(write({ calibration: { ...base, bins: [{ count: 'many' }] } })).diagnostics?.calibration, null, 'bins of the wrong shape: no calibration');
});
