import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticsSession } from '../../../src/diagnostics/session';
import { MIN_JUDGED_VALIDATION_ROWS, smallSplitNote } from '../../../src/diagnostics/smallSplit';
import type { Flag } from '../../../src/model';
import { config, metrics } from './helpers';

const classes = ['a', 'b', 'c'];

/** The plateau of detectors.test.ts (SGD at 1e-5, barely any progress), judged with this many validation rows. */
function plateauWith(validationRows: number | undefined): { live: Flag; final: Flag } {
  const flags: Flag[] = [];
  const s = new DiagnosticsSession({ classes, config: config({ optimizer: { type: 'sgd', learningRate: 1e-5 } }), ...(validationRows !== undefined ? { validationRows } : {}) }, (f) => flags.push(f));
  for (let e = 1; e <= 8; e++) s.onEpoch({ metrics: metrics(e, 1.05 - 0.002 * e, 1.07 - 0.001 * e) });
  return { live: flags.find((f) => f.kind === 'plateau')!, final: s.finish().flags.find((f) => f.kind === 'plateau')! };
}

describe('a validation split too small to judge (issue 14: a plateau raised on 14 validation rows)', () => {
  test('flags read from the validation curve say so, once, with the row count in the evidence', () => {
    const { live, final } = plateauWith(14);
    for (const flag of [live, final]) {
      assert.ok(flag.message.endsWith(smallSplitNote(14)), flag.message);
      assert.equal(flag.message.split('Judged on only').length, 2, 'the note appears once');
      assert.equal(flag.evidence['validationRows'], 14);
    }
    assert.match(smallSplitNote(14), /^Judged on only 14 validation rows: too few to be sure/);
  });

  test('a split of enough rows, or of an unknown size (a foreign log), is not noted', () => {
    for (const rows of [MIN_JUDGED_VALIDATION_ROWS, 300, undefined]) {
      const { live } = plateauWith(rows);
      assert.ok(!live.message.includes('Judged on only'), `${rows}: ${live.message}`);
      assert.equal(live.evidence['validationRows'], undefined);
    }
  });

  test('flags of the training side (an exploding loss) are not noted', () => {
    const flags: Flag[] = [];
    const s = new DiagnosticsSession({ classes, config: config(), validationRows: 5 }, (f) => flags.push(f));
    for (let e = 1; e <= 3; e++) s.onEpoch({ metrics: metrics(e, e === 3 ? NaN : 1, 1) });
    const exploding = flags.find((f) => f.kind === 'exploding-loss');
    assert.ok(exploding, flags.map((f) => f.kind).join(', '));
    assert.ok(!exploding.message.includes('Judged on only'));
  });
});
