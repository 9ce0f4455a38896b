/**
 * Learning tests: `loss-lens train` on every example config reaches the accuracy its README states,
 * and each demonstration shows its problem in the metrics (confirmed from the data, not hoped for).
 * Accuracy is measured from predictions.csv, i.e. the saved (final or restored best) model.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readRunFolder, type RunFolder } from '../../../src/runFolder';

const CLI = path.resolve('out/cli.js');
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function train(example: string): { run: RunFolder; report: { flags: { kind: string; severity: string; evidence: Record<string, unknown> }[]; calibration: { ece: number } } } {
  const out = mkdtempSync(path.join(tmpdir(), `losslens-${example}-`));
  made.push(out);
  const r = spawnSync(process.execPath, [CLI, 'train', `examples/${example}.losslens.json`, '--out', out, '--json'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return { run: readRunFolder(out), report: JSON.parse(r.stdout) as ReturnType<typeof train>['report'] };
}

function accuracy(run: RunFolder): number {
  const p = run.predictions!;
  let right = 0;
  p.probabilities.forEach((row, i) => {
    const best = row.indexOf(Math.max(...row));
    if (p.classes[best] === p.labels[i]) right++;
  });
  return right / p.labels.length;
}

/** Stated in examples/README.md (measured, seed 0), with a small margin. */
const MIN_ACCURACY: Record<string, number> = {
  iris: 0.93,
  wine: 0.94,
  'breast-cancer-wisconsin': 0.96,
  digits: 0.93,
  'credit-g': 0.7,
  diabetes: 0.74,
  glass: 0.7,
};

describe('every bundled example learns', () => {
  for (const [example, min] of Object.entries(MIN_ACCURACY)) {
    test(`${example}: validation accuracy >= ${min}`, () => {
      const { run } = train(example);
      const acc = accuracy(run);
      assert.ok(acc >= min, `${example}: ${acc}`);
    });
  }
});

describe('the demonstrations show their problem in the metrics', () => {
  test('overfitting: validation loss reaches a minimum early, then rises well above it while training loss falls', () => {
    const { run, report } = train('overfitting');
    const val = run.epochs.map((e) => e.valLoss);
    const best = val.indexOf(Math.min(...val));
    assert.ok(best < 20, `minimum at epoch ${best + 1}`);
    assert.ok(val.at(-1)! > 1.25 * val[best]!, `last ${val.at(-1)} vs min ${val[best]}`);
    assert.ok(run.epochs.at(-1)!.trainLoss < 0.5 * run.epochs[best]!.trainLoss);
    const flag = report.flags.find((f) => f.kind === 'overfitting');
    assert.ok(flag, JSON.stringify(report.flags.map((f) => f.kind)));
    assert.equal(flag.evidence.onsetEpoch, best + 1);
  });

  test('exploding: a step loss thousands of times chance level in epoch 1, then stuck at chance (dead network)', () => {
    const { run, report } = train('exploding');
    const epoch1 = run.steps.filter((s) => s.epoch === 1).map((s) => s.loss);
    assert.ok(epoch1.some((l) => !Number.isFinite(l) || l > 1000 * Math.log(3)), epoch1.slice(0, 5).join());
    assert.ok(Math.abs(run.epochs.at(-1)!.trainLoss - Math.log(3)) < 0.05, `final train loss ${run.epochs.at(-1)!.trainLoss}`);
    const kinds = report.flags.map((f) => f.kind);
    assert.ok(kinds.includes('exploding-loss'), kinds.join());
  });

  test('miscalibrated: overconfident on validation, ECE above 0.1', () => {
    const { report } = train('miscalibrated');
    assert.ok(report.calibration.ece > 0.1, `ECE ${report.calibration.ece}`);
    const flag = report.flags.find((f) => f.kind === 'miscalibration');
    assert.ok(flag, JSON.stringify(report.flags.map((f) => f.kind)));
    assert.equal(flag.evidence.direction, 'overconfident');
  });
});
