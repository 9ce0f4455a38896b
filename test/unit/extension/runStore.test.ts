import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { newRunRecord, RunStore, runIdOf, toSnapshot } from '../../../src/store/runStore';
import type { EpochMetrics, Flag, RunReading } from '../../../src/model';

const flag = (kind: Flag['kind'], severity: Flag['severity']): Flag => ({ kind, severity, epoch: 2, message: `${kind} ${severity}`, evidence: {} });

describe('RunStore', () => {
  test('an escalated flag replaces the earlier one of its kind, and says which index it replaced', () => {
    const store = new RunStore();
    const run = newRunRecord({ dir: '/runs/a', name: 'a', origin: 'live' });
    store.add(run);
    const events: (number | undefined)[] = [];
    store.onDidFlag((e) => events.push(e.replacedIndex));
    store.flag(run, flag('plateau', 'info'));
    store.flag(run, flag('exploding-loss', 'warning'));
    store.flag(run, flag('exploding-loss', 'error'));
    assert.deepEqual(
      run.flags.map((f) => `${f.kind}:${f.severity}`),
      ['plateau:info', 'exploding-loss:error'],
    );
    assert.deepEqual(events, [undefined, undefined, 1]);
  });

  test('reloading run folders keeps live runs and opened logs, and a live run is never replaced by its folder', () => {
    const store = new RunStore();
    const live = newRunRecord({ dir: '/runs/live', name: 'live', origin: 'live' });
    const log = newRunRecord({ dir: '/logs/keras.csv', name: 'keras', origin: 'log' });
    const old = newRunRecord({ dir: '/runs/old', name: 'old', origin: 'folder' });
    store.add(live);
    store.add(log);
    store.add(old);
    store.replaceStored([newRunRecord({ dir: '/runs/new', name: 'new', origin: 'folder' }), newRunRecord({ dir: '/runs/live', name: 'live-from-disk', origin: 'folder' })]);
    assert.deepEqual(store.list().map((r) => r.name).sort(), ['keras', 'live', 'new']);
    store.add(newRunRecord({ dir: '/runs/live', name: 'again', origin: 'folder' }));
    assert.equal(store.get(runIdOf('/runs/live'))?.name, 'live');
  });

  test('a snapshot for the webview names the run by opaque id, never by path', () => {
    const run = newRunRecord({ dir: '/home/me/secret/project/.losslens/runs/x', name: 'x', origin: 'folder' });
    const json = JSON.stringify(toSnapshot(run));
    assert.ok(!json.includes('/home/me'), json);
    assert.match(toSnapshot(run).id, /^[0-9a-f]{16}$/);
    assert.equal(run.id, runIdOf(run.dir), 'stable across reloads');
  });

  test('progress appends epochs and steps and notifies once per batch', () => {
    const store = new RunStore();
    const run = newRunRecord({ dir: '/runs/p', name: 'p', origin: 'live' });
    store.add(run);
    let notified = 0;
    store.onDidProgress(() => notified++);
    const epoch = { epoch: 1, trainLoss: 1, valLoss: 1, trainAccuracy: 0, valAccuracy: 0, learningRate: 0.1, gradNorm: 1, timeMs: 1 };
    store.progress(run, [], [epoch]);
    store.progress(run, [], [{ ...epoch, epoch: 2 }]);
    assert.equal(notified, 2);
    assert.deepEqual(
      run.epochs.map((e) => e.epoch),
      [1, 2],
    );
  });
});

describe('RunStore and followed runs', () => {
  const epoch = (n: number, valLoss: number): EpochMetrics => ({ epoch: n, trainLoss: 1, valLoss, trainAccuracy: NaN, valAccuracy: NaN, learningRate: NaN, gradNorm: NaN, timeMs: NaN });

  test('revised epochs replace the ones sent before, in the record and in the progress event', () => {
    const store = new RunStore();
    const run = newRunRecord({ dir: '/logs/a', name: 'a', origin: 'log' });
    store.add(run);
    const revisedSeen: number[][] = [];
    store.onDidProgress((p) => revisedSeen.push((p.revised ?? []).map((e) => e.valLoss)));
    store.apply(run, { type: 'run/didProgress', steps: [], epochs: [epoch(1, NaN), epoch(2, NaN)] });
    store.apply(run, { type: 'run/didProgress', steps: [], epochs: [epoch(3, 0.7)], revised: [epoch(1, 0.9), epoch(2, 0.8)] });
    assert.deepEqual(run.epochs.map((e) => [e.epoch, e.valLoss]), [[1, 0.9], [2, 0.8], [3, 0.7]]);
    assert.deepEqual(revisedSeen, [[], [0.9, 0.8]]);
  });

  test('a followed run is followed until its source ends, survives a reload of the runs folders, and is configurable only when it is a Loss Lens run', () => {
    const store = new RunStore();
    const folder = newRunRecord({ dir: '/runs/written-elsewhere', name: 'w', origin: 'folder' });
    let sink: ((r: RunReading) => void) | undefined;
    store.follow(folder, { start: (s) => (sink = s) });
    assert.equal(folder.followed, true);
    store.replaceStored([]);
    assert.equal(store.get(folder.id), folder, 'a followed run folder is not dropped by a reload');
    sink!({ type: 'run/didEnd', end: { state: 'completed', reason: 'completed', diagnostics: null } });
    assert.equal(folder.followed, false);
    assert.equal(toSnapshot(folder).configurable, true);
    assert.equal(toSnapshot(newRunRecord({ dir: '/logs/k.csv', name: 'k', origin: 'log' })).configurable, false, 'another trainer\'s log: fixes are advice');
  });
});
