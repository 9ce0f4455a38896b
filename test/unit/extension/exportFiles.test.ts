import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { csvNumber, metricsCsv, runJson } from '../../../src/commands/exportFiles';
import { newRunRecord } from '../../../src/store/runStore';

describe('export files', () => {
  const epochs = [
    { epoch: 1, trainLoss: 0.5, valLoss: 0.25, trainAccuracy: 0.75, valAccuracy: 0.5, learningRate: 0.001, gradNorm: 1.5, timeMs: 12 },
    { epoch: 2, trainLoss: NaN, valLoss: Infinity, trainAccuracy: 0.75, valAccuracy: 0.5, learningRate: 0.001, gradNorm: -Infinity, timeMs: 12 },
  ];
  test('metrics CSV: header of contract names, one row per epoch, non-finite spelled out', () => {
    assert.equal(metricsCsv(epochs), 'epoch,trainLoss,valLoss,trainAccuracy,valAccuracy,learningRate,gradNorm,timeMs\n1,0.5,0.25,0.75,0.5,0.001,1.5,12\n2,NaN,inf,0.75,0.5,0.001,-inf,12\n');
    assert.equal(csvNumber(0.1 + 0.2), '0.30000000000000004');
  });
  test('run JSON is valid JSON with nulls for non-finite values', () => {
    const run = newRunRecord({ dir: '/x', name: 'r', origin: 'folder', epochs: [...epochs], state: 'completed' });
    const parsed = JSON.parse(runJson(run)) as { name: string; epochs: { trainLoss: number | null }[] };
    assert.equal(parsed.name, 'r');
    assert.equal(parsed.epochs[1]!.trainLoss, null);
    assert.equal(parsed.epochs[0]!.trainLoss, 0.5);
  });
});
