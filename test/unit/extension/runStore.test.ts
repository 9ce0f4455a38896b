import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STEPS_KEPT, newRunRecord, RunStore, runIdOf, toSnapshot } from '../../../src/store/runStore';
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

describe('RunStore: big batches of steps', () => {
  test('a log read whole in one batch of 300,000 steps (a long trainer_state.json, a big run folder) is kept as its last MAX_STEPS_KEPT steps', () => {
    const store = new RunStore();
    const run = newRunRecord({ dir: '/runs/big', name: 'big', origin: 'log' });
    store.add(run);
    const step = (n: number) => ({ step: n, epoch: 1 + Math.floor(n / 1000), batch: n % 1000, loss: 1 / (1 + n), gradNorm: 1, layerGradNorms: [], deadFractions: [], learningRate: 1e-3, timeMs: 0 });
    // Spread into push(), a batch this size overflowed the call stack and the run stopped updating.
    store.progress(run, Array.from({ length: 300_000 }, (_, i) => step(i)), []);
    assert.equal(run.steps.length, MAX_STEPS_KEPT);
    assert.equal(run.steps[0]!.step, 300_000 - MAX_STEPS_KEPT);
    assert.equal(run.steps.at(-1)!.step, 299_999);
    store.progress(run, [step(300_000)], []);
    assert.equal(run.steps.length, MAX_STEPS_KEPT);
    assert.equal(run.steps.at(-1)!.step, 300_000);
  });
});

describe('RunStore: what the dashboard needs from the host', () => {
  const epoch = (n: number): EpochMetrics => ({ epoch: n, trainLoss: 1, valLoss: 1, trainAccuracy: 0, valAccuracy: 0, learningRate: 0.1, gradNorm: 1, timeMs: 1 });
  const calibration = (ece: number, temperatureAtBound = false) => ({ ece, mce: 0, brier: 0, bins: [], temperature: 2, eceAfterTemperature: ece / 2, temperatureAtBound });

  test('the snapshot carries the config, the ECE per epoch and the other scalars; the end replaces the trend', () => {
    const store = new RunStore();
    const run = newRunRecord({ dir: '/runs/c', name: 'c', origin: 'folder' });
    store.add(run);
    assert.deepEqual(Object.keys(toSnapshot(run)).filter((k) => ['config', 'eceByEpoch', 'scalars'].includes(k)), [], 'none before they exist');
    const scalars: RunReading[] = [];
    store.onDidProgress((p) => p.scalars && scalars.push({ type: 'run/didProgress', steps: [], epochs: [], scalars: p.scalars }));
    store.apply(run, { type: 'run/didStart', classes: ['a', 'b'], epochs: 3, stepsPerEpoch: 1, notes: [], config: { training: { epochs: 3 } } } as RunReading);
    store.apply(run, { type: 'run/didProgress', steps: [], epochs: [epoch(1)], calibration: calibration(0.2) });
    // A batch of two epochs carries the last one's calibration only; a bound temperature has no "after".
    store.apply(run, { type: 'run/didProgress', steps: [], epochs: [epoch(2), epoch(3)], calibration: calibration(0.1, true), scalars: [{ name: 'grad/l2', axis: 'step', x: [1], y: [0.5] }] });
    const snap = toSnapshot(run);
    assert.deepEqual(snap.config, { training: { epochs: 3 } });
    assert.deepEqual(snap.eceByEpoch, [{ epoch: 1, ece: 0.2, eceAfterTemperature: 0.1 }, { epoch: 3, ece: 0.1 }]);
    assert.deepEqual(snap.scalars, [{ name: 'grad/l2', axis: 'step', x: [1], y: [0.5] }]);
    assert.equal(scalars.length, 1, 'the progress event carries the new points');
    const trend = [1, 2, 3].map((e) => ({ epoch: e, ece: 0.3 / e }));
    store.apply(run, { type: 'run/didEnd', end: { state: 'completed', reason: 'completed', diagnostics: { flags: [], calibration: calibration(0.1), suspectedMislabeled: [], eceByEpoch: trend } } } as RunReading);
    assert.deepEqual(toSnapshot(run).eceByEpoch, trend);
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
