/**
 * Another trainer's log as a run source (src/sources/logRunSource.ts): the stream's order holds
 * whatever moment the user stops it, and the predictions.csv beside the log (read without blocking
 * the host, docs/logs.md) gives the run its classes and its calibration, also when it is rewritten
 * while the run is followed.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunReading } from '../../../src/model';
import { LogRunSource } from '../../../src/sources/logRunSource';
import { readAll } from '../../../src/sources/runSource';
import { findRuns } from '../../../src/sources/sourceFor';
import { event, header } from './eventWriter';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'losslens-logsource-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A Keras CSVLogger log of `epochs` epochs, and a predictions.csv of 40 rows beside it. */
function runFolder(name: string, epochs: number, predictions: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const rows = Array.from({ length: epochs }, (_, e) => `${e},${0.5 + e / 100},${1 - e / 20},${0.5 + e / 100},${1.05 - e / 20}`);
  writeFileSync(path.join(dir, 'training.log'), ['epoch,accuracy,loss,val_accuracy,val_loss', ...rows].join('\n') + '\n');
  writeFileSync(path.join(dir, 'predictions.csv'), predictions);
  return dir;
}

/** 40 validation rows, half of each class; the model says `p` for the class it picks, right on `right` of them. */
function predictions(p: number, right: number): string {
  const lines = ['row,label,p:cat,p:dog'];
  for (let i = 0; i < 40; i++) {
    const label = i % 2 ? 'dog' : 'cat';
    const picked = i < right ? label : label === 'cat' ? 'dog' : 'cat';
    lines.push(`${i},${label},${picked === 'cat' ? p : 1 - p},${picked === 'dog' ? p : 1 - p}`);
  }
  return lines.join('\n') + '\n';
}

async function sourceIn(dir: string, options: ConstructorParameters<typeof LogRunSource>[2] = {}): Promise<LogRunSource> {
  const found = await findRuns(dir);
  assert.equal(found.runs.length, 1);
  return new LogRunSource(found.root, found.runs[0]!, options);
}

const types = (readings: readonly RunReading[]): string[] => readings.map((r) => r.type).filter((t, i, all) => t !== 'run/didProgress' || all[i - 1] !== t);

describe('a log as a run source', () => {
  test('run/didStart carries the classes of the predictions.csv beside the log; the end, its calibration', async () => {
    const readings = await readAll(await sourceIn(runFolder('read-once', 8, predictions(0.95, 38))));
    const start = readings[0]!;
    assert.equal(start.type, 'run/didStart');
    assert.deepEqual(start.type === 'run/didStart' && start.classes, ['cat', 'dog']);
    const end = readings.at(-1)!;
    assert.ok(end.type === 'run/didEnd' && end.end.state === 'completed' && end.end.diagnostics?.calibration, JSON.stringify(end).slice(0, 400));
    // 38 of 40 right at 95%: the confidence matches the accuracy.
    assert.ok(end.end.diagnostics.calibration.ece < 0.05, String(end.end.diagnostics.calibration.ece));
    // One predictions file, no epochs: the rows could not be judged, and the report says so.
    assert.deepEqual(end.end.diagnostics.mislabeledCheck, { rows: 'validation', checked: false });
  });

  test('stopped before its first look at the files: one run/didStart, then one run/didEnd, nothing after', async () => {
    const source = await sourceIn(runFolder('stopped-at-once', 8, predictions(0.9, 36)), { follow: true, pollIntervalMs: 20 });
    const readings: RunReading[] = [];
    source.start((r) => readings.push(r));
    source.stop();
    await new Promise((r) => setTimeout(r, 200));
    source.dispose();
    assert.deepEqual(types(readings), ['run/didStart', 'run/didEnd']);
    // The user stopped it: not a failure of the log (which had records all along).
    const end = readings.at(-1)!;
    assert.ok(end.type === 'run/didEnd' && end.end.state === 'stopped' && end.end.diagnostics === null, JSON.stringify(end));
  });

  test('followed: a predictions.csv rewritten while the run is followed is read again, and the end judges the new one', async () => {
    const dir = runFolder('rewritten', 8, predictions(0.95, 38));
    const source = await sourceIn(dir, { follow: true, pollIntervalMs: 20 });
    const readings: RunReading[] = [];
    source.start((r) => readings.push(r));
    const until = async (what: () => boolean): Promise<void> => {
      for (let i = 0; i < 250 && !what(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(what(), 'in time');
    };
    await until(() => readings.some((r) => r.type === 'run/didProgress' && r.epochs.length === 8));
    // Now overconfident: 99% on every row, right on 24 of 40. A later mtime, so the change is seen on any file system.
    writeFileSync(path.join(dir, 'predictions.csv'), predictions(0.99, 24));
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(dir, 'predictions.csv'), later, later);
    await new Promise((r) => setTimeout(r, 300));
    source.stop();
    source.dispose();
    const end = readings.at(-1)!;
    assert.ok(end.type === 'run/didEnd' && end.end.diagnostics?.calibration, JSON.stringify(end).slice(0, 400));
    assert.ok(end.end.diagnostics.calibration.ece > 0.3, `ECE ${end.end.diagnostics.calibration.ece}: the rewritten file's`);
  });

  test('a run judged again after a late file revised its epochs sends no flag twice, and none below one already shown', async () => {
    // An overfitting curve in the writer's file; the validation accuracy arrives later in an
    // add_scalars sub-folder (its own writer flushes on its own clock), revising every epoch.
    const dir = path.join(tmp, 'late-accuracy');
    mkdirSync(path.join(dir, 'Accuracy_val'), { recursive: true });
    const val = (e: number): number => (e < 5 ? 1 - e / 10 : 0.5 + (e - 5) * 0.02);
    const file = path.join(dir, 'events.out.tfevents.1700000000.host.1.0');
    const epochs = (from: number, to: number): Buffer[] => Array.from({ length: to - from }, (_, i) => event(from + i, 1.7e9 + from + i, [{ tag: 'Loss/train', simple: 1 / (1 + from + i) }, { tag: 'Loss/val', simple: val(from + i) }]));
    writeFileSync(file, Buffer.concat([header(), ...epochs(0, 10)]));
    const source = await sourceIn(dir, { follow: true, pollIntervalMs: 20 });
    const readings: RunReading[] = [];
    source.start((r) => readings.push(r));
    const flags = () => readings.flatMap((r) => (r.type === 'run/didFlag' ? [r.flag] : []));
    const until = async (severity: string): Promise<void> => {
      for (let i = 0; i < 250 && !flags().some((f) => f.kind === 'overfitting' && f.severity === severity); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(flags().some((f) => f.kind === 'overfitting' && f.severity === severity), `${severity}: ${JSON.stringify(flags().map((f) => [f.kind, f.severity]))}`);
    };
    // Live, the warning comes first, then the error once the rise is confirmed.
    await until('warning');
    appendFileSync(file, Buffer.concat(epochs(10, 30)));
    await until('error');
    const late = [header()];
    for (let e = 0; e < 30; e++) late.push(event(e, 1.7e9 + e + 0.5, [{ tag: 'Accuracy', simple: 0.9 - e / 100 }]));
    writeFileSync(path.join(dir, 'Accuracy_val', 'events.out.tfevents.1700000001.host.1.1'), Buffer.concat(late));
    await new Promise((r) => setTimeout(r, 300));
    source.stop();
    source.dispose();
    const progress = readings.filter((r) => r.type === 'run/didProgress');
    assert.ok(progress.some((r) => r.type === 'run/didProgress' && r.revised?.length), 'the late file revised the epochs');
    const seen = new Set<string>();
    const highest = new Map<string, number>();
    const rank = { info: 0, warning: 1, error: 2 } as const;
    for (const f of flags()) {
      const key = `${f.kind}|${f.severity}|${f.message}`;
      assert.ok(!seen.has(key), `sent twice: ${f.kind} ${f.severity}`);
      seen.add(key);
      assert.ok(rank[f.severity] >= (highest.get(f.kind) ?? 0), `${f.kind} ${f.severity} after a higher severity`);
      highest.set(f.kind, Math.max(rank[f.severity], highest.get(f.kind) ?? 0));
    }
  });

  test('per-epoch predictions of a real PyTorch run (the README\'s snippet): the held-out rows whose labels were flipped are named', async () => {
    // test/fixtures/logs-real/pytorch/predictions-breast-cancer: 16 of 200 validation labels flipped before training.
    const dir = 'test/fixtures/logs-real/pytorch/predictions-breast-cancer';
    const { flippedRows } = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { flippedRows: number[] };
    const readings = await readAll(await sourceIn(dir));
    const end = readings.at(-1)!;
    assert.ok(end.type === 'run/didEnd' && end.end.diagnostics, JSON.stringify(end).slice(0, 300));
    const report = end.end.diagnostics;
    assert.deepEqual(report.mislabeledCheck, { rows: 'validation', checked: true });
    const named = new Set(report.suspectedMislabeled.map((s) => s.row));
    const hits = flippedRows.filter((r) => named.has(r)).length;
    // Measured: 13 of 14 named rows flipped (precision 0.93), 13 of the 16 flipped found (recall 0.81).
    assert.ok(hits / named.size >= 0.8, `precision ${hits}/${named.size}`);
    assert.ok(hits / flippedRows.length >= 0.7, `recall ${hits}/${flippedRows.length}`);
    // Flipped labels make a few rows confidently wrong: the log-loss temperature (about 3) makes the
    // ECE worse (0.078 -> 0.108), and the flag must not propose it.
    const c = report.calibration!;
    assert.ok(c.eceAfterTemperature > c.ece, `ECE ${c.ece} -> ${c.eceAfterTemperature}`);
    const miscalibration = report.flags.find((f) => f.kind === 'miscalibration');
    assert.ok(miscalibration, report.flags.map((f) => f.kind).join());
    assert.match(miscalibration.message, /does not lower the ECE .* no temperature fixes it/);
    assert.doesNotMatch(miscalibration.message, /brings the ECE to/);
    const flag = report.flags.find((f) => f.kind === 'mislabeled-rows');
    assert.ok(flag && /rows of the predictions files look mislabeled/.test(flag.message) && flag.evidence['rowsOf'] === 'validation', flag?.message);
  });
});
