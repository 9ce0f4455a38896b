import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StepTable } from '../../../src/logs/stepTable';
import type { LogStep } from '../../../src/logs/trainingLog';

describe('StepTable', () => {
  test('keeps every step across block boundaries, and tells a gradient norm not recorded from a logged NaN', () => {
    const t = new StepTable();
    const rows: LogStep[] = [];
    for (let i = 1; i <= 5000; i++) {
      const s: LogStep = i % 3 === 0 ? { step: i, epoch: Math.ceil(i / 100), loss: 1 / i, gradNorm: NaN, gradNormUnknown: true } : { step: i, epoch: Math.ceil(i / 100), loss: 1 / i, gradNorm: i % 7 === 0 ? NaN : i * 0.5 };
      rows.push(s);
      t.push(s);
    }
    assert.equal(t.length, 5000);
    assert.deepEqual([...t], rows);
    assert.deepEqual(t.at(2047), rows[2047]);
    assert.deepEqual(t.at(2048), rows[2048]);
    assert.equal(t.stepAt(4095), 4096);
    // A logged NaN (a blow-up) stays a NaN that was recorded.
    assert.equal(t.at(6).gradNormUnknown, undefined);
    assert.ok(Number.isNaN(t.at(6).gradNorm));
    assert.equal(t.at(2).gradNormUnknown, true);
    assert.deepEqual(t.map((s) => s.step).slice(0, 3), [1, 2, 3]);
  });

  test('append copies another table (or any rows) after its own', () => {
    const a = new StepTable();
    const b = new StepTable();
    for (let i = 1; i <= 3000; i++) a.add(i, 1, i, undefined);
    for (let i = 3001; i <= 4500; i++) b.add(i, 2, i, i);
    a.append(b);
    a.append([{ step: 4501, epoch: 3, loss: 1, gradNorm: 2 }]);
    assert.equal(a.length, 4501);
    assert.deepEqual(a.at(2999), { step: 3000, epoch: 1, loss: 3000, gradNorm: NaN, gradNormUnknown: true });
    assert.deepEqual(a.at(3000), { step: 3001, epoch: 2, loss: 3001, gradNorm: 3001 });
    assert.deepEqual(a.at(4500), { step: 4501, epoch: 3, loss: 1, gradNorm: 2 });
  });
});
