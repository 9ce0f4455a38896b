// Following another trainer's log in a real editor, with the extension host where the files are
// (under code-server: the server; the UI is in the browser, as over Remote-SSH). A writer process
// replays the event files Keras's TensorBoard callback wrote (test/fixtures/logs-real/), record by
// record, into the workspace while the run is followed: while it still writes, the Runs view row,
// the status bar and the dashboard's charts change, and the overfitting flag appears with its fixes
// as advice. Then: compare with another followed run and a bundled one, stop following in one click.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import type { RunRecord } from '../../../src/store/runStore';
import { toSnapshot } from '../../../src/store/runStore';
import { api, waitFor } from './editorKit';

/** The repository (this file runs from out/test/editor/suite/). */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const KERAS_TB = path.join(ROOT, 'test', 'fixtures', 'logs-real', 'keras', 'overfit-diabetes', 'logs');
const KERAS_CSV = path.join(ROOT, 'test', 'fixtures', 'logs-real', 'keras', 'overfit-diabetes', 'training.log');
/** Between two appends: longer than a reading takes to reach the views, so each append's latency is its own. */
const PAUSE_MS = 400;

/** The trainer stand-in, a separate process: test/helpers/replayLog.mjs. */
class Writer {
  readonly child: ChildProcess;
  /** When each group of records was appended (the writer's clock: performance.timeOrigin + now()). */
  readonly appendedAt: number[] = [];
  done = false;
  readonly exited: Promise<void>;

  constructor(from: string, to: string, pauseMs: number) {
    // Under desktop VS Code the host's executable is Electron: run it as Node.
    this.child = spawn(process.execPath, [path.join(ROOT, 'test', 'helpers', 'replayLog.mjs'), '--from', from, '--to', to, '--pause-ms', String(pauseMs)], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^appended -?\d+ ([\d.]+)$/.exec(line);
        if (m) this.appendedAt.push(Number(m[1]));
        if (line === 'done') this.done = true;
      }
    });
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
  }
}

const now = (): number => performance.timeOrigin + performance.now();
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

describe('following a training log while it is written', function () {
  this.timeout(180_000);
  let lossLens: LossLensApi;
  let folder: vscode.WorkspaceFolder;
  const writers: Writer[] = [];

  before(async () => {
    lossLens = await api();
    folder = vscode.workspace.workspaceFolders![0]!;
    assert.ok(existsSync(KERAS_TB), `the recorded log is at ${KERAS_TB}`);
  });

  after(async () => {
    for (const w of writers) w.child.kill();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the run live in the Runs view, the status bar and the dashboard, raises overfitting while the writer still writes, and stops in one click', async () => {
    const logs = path.join(folder.uri.fsPath, 'tb-live');
    const writer = new Writer(KERAS_TB, path.join(logs, 'exp1'), PAUSE_MS);
    writers.push(writer);
    await waitFor('the writer to start', () => writer.appendedAt.length > 0, 20_000, 20);
    const runs = (await vscode.commands.executeCommand('lossLens.follow', vscode.Uri.file(logs))) as RunRecord[];
    assert.equal(runs.length, 1, `runs found: ${runs.map((r) => r.name).join(', ')}`);
    const run = runs[0]!;
    assert.equal(run.name, 'exp1');
    assert.equal(run.origin, 'log');
    assert.ok(run.followed, 'followed');
    assert.equal(toSnapshot(run).configurable, false, 'no config to edit: the dashboard shows fixes as advice');

    // Watch the status bar and the Runs view row at a fine grain while the writer writes.
    const statusChanges: { at: number; text: string }[] = [];
    const rowChanges: { at: number; description: string }[] = [];
    const rowOf = (): vscode.TreeItem | undefined => {
      const node = lossLens.runsTree.getChildren().find((n) => n.run.id === run.id);
      return node && lossLens.runsTree.getTreeItem(node);
    };
    const watch = setInterval(() => {
      const text = lossLens.statusBar.text;
      if (text !== statusChanges.at(-1)?.text) statusChanges.push({ at: now(), text });
      const description = String(rowOf()?.description ?? '');
      if (description !== rowChanges.at(-1)?.description) rowChanges.push({ at: now(), description });
    }, 10);
    let node: ReturnType<LossLensApi['runsTree']['getChildren']>[number] | undefined;
    try {
      // The dashboard opened on the run (one run found) and draws it as it grows: two renders of
      // its charts at different moments differ.
      await waitFor('the dashboard to show the run', () => lossLens.dashboards.forRun(run.id)?.isReady, 30_000);
      await waitFor('a few epochs', () => run.epochs.length >= 3);
      const before = await lossLens.dashboards.renderImages(run.id);
      const epochsBefore = run.epochs.length;
      await waitFor('more epochs', () => run.epochs.length >= epochsBefore + 3);
      const after = await lossLens.dashboards.renderImages(run.id);
      assert.ok(before.length > 0 && after.length > 0, 'the dashboard renders its charts');
      const loss = (imgs: typeof before): string | undefined => imgs.find((i) => /loss/i.test(i.name))?.pngDataUrl ?? imgs[0]?.pngDataUrl;
      assert.notEqual(loss(after), loss(before), `the loss chart changed between epoch ${epochsBefore} and ${run.epochs.length}`);

      const flag = await waitFor('the overfitting flag', () => run.flags.find((f) => f.kind === 'overfitting'));
      assert.equal(writer.done, false, `the writer is still writing when overfitting is raised (epoch ${flag.epoch})`);
      assert.ok((flag.fix ?? []).length > 0, 'with its fixes (as advice)');
      assert.equal(run.state, 'running');

      // The Runs view: the row is the followed run, its flag a child, its description moved on.
      const item = rowOf();
      assert.ok(item, 'the run is in the Runs view');
      assert.equal(item.contextValue, 'lossLens.run.following', 'its inline action is Stop Following');
      node = lossLens.runsTree.getChildren().find((n) => n.run.id === run.id)!;
      assert.ok(lossLens.runsTree.getChildren(node).some((c) => c.kind === 'flag' && c.flag.kind === 'overfitting'));
      await waitFor('the writer to finish', () => writer.done, 60_000);
      await waitFor('every epoch', () => run.epochs.length === 60, 10_000);
    } finally {
      clearInterval(watch);
    }
    const distinctRows = new Set(rowChanges.map((c) => c.description)).size;
    assert.ok(distinctRows >= 3, `the row changed while the writer wrote: ${rowChanges.map((c) => c.description).join(' | ')}`);
    const epochsShown = statusChanges.map((c) => /^\$\([\w-]+\) (\d+) loss/.exec(c.text)?.[1]).filter(Boolean);
    assert.ok(new Set(epochsShown).size >= 10, `the status bar followed the epochs: ${statusChanges.map((c) => c.text).join(' | ')}`);
    assert.ok(epochsShown.includes('60'), 'and shows the last one');

    // Latency, reported (not asserted: the machine is shared): from each append to the first change
    // it caused, before the next append.
    const latency = (changes: readonly { at: number }[]): number[] =>
      writer.appendedAt.flatMap((t, i) => {
        const next = writer.appendedAt[i + 1] ?? Infinity;
        const change = changes.find((c) => c.at > t && c.at < next);
        return change ? [change.at - t] : [];
      });
    const bar = latency(statusChanges);
    const row = latency(rowChanges);
    console.log(`[loss-lens] follow latency in ${vscode.env.appHost} VS Code ${vscode.version}, append -> status bar: median ${median(bar).toFixed(0)} ms, p90 ${quantile(bar, 0.9).toFixed(0)} ms (${bar.length} appends); append -> Runs view row: median ${median(row).toFixed(0)} ms, p90 ${quantile(row, 0.9).toFixed(0)} ms (${row.length})`);

    // One click: Stop Following (the row's inline action passes its node).
    const stopped = (await vscode.commands.executeCommand('lossLens.stopFollowing', node)) as number;
    assert.equal(stopped, 1);
    await waitFor('the run to end', () => run.state !== 'running');
    assert.equal(run.state, 'stopped');
    assert.equal(run.followed, false);
    assert.equal(rowOf()?.contextValue, 'lossLens.run.stopped.followable', 'its inline action is Follow again');
    assert.ok(run.flags.some((f) => f.kind === 'overfitting'), 'the flags stay');
  });

  it('compares a followed run with another followed run and with a bundled run; filters the Runs view', async () => {
    const logs = path.join(folder.uri.fsPath, 'csv-live');
    const writer = new Writer(KERAS_CSV, logs, 20);
    writers.push(writer);
    await waitFor('the writer to start', () => writer.appendedAt.length > 0, 20_000, 20);
    const [csv] = (await vscode.commands.executeCommand('lossLens.follow', vscode.Uri.file(path.join(logs, 'training.log')))) as RunRecord[];
    assert.ok(csv?.followed);
    // Following again restarts it: the same run id, read from the start.
    const tb = (await vscode.commands.executeCommand('lossLens.follow', vscode.Uri.file(path.join(folder.uri.fsPath, 'tb-live')))) as RunRecord[];
    assert.equal(tb.length, 1);
    await waitFor('both logs read', () => csv.epochs.length === 60 && tb[0]!.epochs.length === 60, 30_000);
    const both = (await vscode.commands.executeCommand('lossLens.compareRuns', [csv.id, tb[0]!.id])) as readonly string[];
    assert.deepEqual([...both].sort(), [csv.id, tb[0]!.id].sort());

    const bundled = (await vscode.commands.executeCommand('lossLens.train', vscode.Uri.joinPath(folder.uri, 'iris.losslens.json'), { whenAlreadyRunning: 'alongside', openDashboard: false })) as RunRecord;
    await lossLens.controller.whenDone(bundled.id);
    const mixed = (await vscode.commands.executeCommand('lossLens.compareRuns', [bundled.id, csv.id])) as readonly string[];
    assert.deepEqual([...mixed].sort(), [bundled.id, csv.id].sort());

    // The Runs view's filter: a regex or a substring of the names, as TensorBoard.
    await vscode.commands.executeCommand('lossLens.filterRuns', 'training\\.log$');
    assert.deepEqual(lossLens.runsTree.getChildren().map((n) => n.run.id), [csv.id]);
    await vscode.commands.executeCommand('lossLens.filterRuns', 'EXP');
    assert.deepEqual(lossLens.runsTree.getChildren().map((n) => n.run.name), ['exp1']);
    await vscode.commands.executeCommand('lossLens.clearRunsFilter');
    assert.ok(lossLens.runsTree.getChildren().length >= 3);

    assert.equal(await vscode.commands.executeCommand('lossLens.stopFollowing', csv.id), 1);
    assert.equal(await vscode.commands.executeCommand('lossLens.stopFollowing', tb[0]!.id), 1);
    assert.deepEqual(lossLens.follows.followedPaths(), []);
  });
});
