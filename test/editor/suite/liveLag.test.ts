// Live means live (README, "Tests"): a 150-epoch run trains in the editor while this test samples,
// every 25 ms, the epoch the status bar shows, the epoch the Runs view was last asked to redraw
// with, and the epochs the run folder's metrics.jsonl holds. Neither view may be more than one
// epoch behind the file at any sample; the lag of each epoch (file -> view) is printed. Then Stop,
// pressed at a displayed epoch, must end the run within one epoch of it. The model is sized for
// epochs of about half a second, a trainer's pace rather than a toy's: the views redraw at most 10
// (status bar) and 4 (Runs view) times a second, so epochs much faster than that are shown in steps.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/store/runStore';
import { api } from './editorKit';

const SAMPLE_MS = 25;
/** Stop is pressed once the status bar shows this epoch. */
const STOP_AT = 30;
const CONFIG = '{\n  "name": "live-lag",\n  "data": { "source": "digits" },\n  "model": { "hidden": [512, 512] },\n  "training": { "epochs": 150, "batchSize": 4, "earlyStopping": false }\n}\n';

/** Epoch records in a run folder's metrics.jsonl (step records have a "step" key). */
function epochsInFile(dir: string): number {
  const file = path.join(dir, 'metrics.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"valLoss"') && !l.includes('"step"')).length;
}

/** The epoch the status item shows ("$(pulse) 12/150 loss …"), 0 before the first. */
function statusEpoch(text: string): number {
  return Number(/ (\d+)\/150 /.exec(text)?.[1] ?? 0);
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

describe('live readout', function () {
  this.timeout(240_000);

  it('shows the epoch the trainer wrote: the status bar and the Runs view are never more than one epoch behind metrics.jsonl, and Stop ends within one epoch of the displayed one', async () => {
    const lossLens = await api();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'live-lag.losslens.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(CONFIG));

    // What the Runs view shows is what VS Code fetched after the tree's last change event.
    // A redraw of the whole list makes VS Code fetch every expanded row's children again (each shows
    // a loading twistie if that takes over 800 ms on a busy machine): a live run's readings must
    // redraw its own row only, the whole list being left for runs added and a run's first flag. The
    // view is shown first: a row VS Code never drew can only be redrawn with the whole list.
    await vscode.commands.executeCommand('lossLens.runs.focus');
    let rowEpoch = 0;
    let run: RunRecord | undefined;
    const redraws = { whole: 0, row: 0 };
    const treeChanges = lossLens.runsTree.onDidChangeTreeData((node) => {
      if (run) rowEpoch = run.epochs.at(-1)?.epoch ?? 0;
      if (run && node === undefined) redraws.whole++;
      else if (run) redraws.row++;
    });
    try {
      run = (await vscode.commands.executeCommand('lossLens.train', uri, { whenAlreadyRunning: 'alongside', openDashboard: false })) as RunRecord | undefined;
      assert.ok(run, 'lossLens.train returned the run it started');
      const live = run;
      const fileAt: number[] = [];
      const barAt: number[] = [];
      const rowAt: number[] = [];
      const behind = { bar: 0, row: 0 };
      let samples = 0;
      let displayedAtStop = 0;
      for (;;) {
        const now = performance.now();
        const inFile = epochsInFile(live.dir);
        const bar = statusEpoch(lossLens.statusBar.text);
        while (fileAt.length < inFile) fileAt.push(now);
        while (barAt.length < bar) barAt.push(now);
        while (rowAt.length < rowEpoch) rowAt.push(now);
        behind.bar = Math.max(behind.bar, inFile - bar);
        behind.row = Math.max(behind.row, inFile - rowEpoch);
        samples++;
        if (bar >= STOP_AT) {
          displayedAtStop = bar;
          break;
        }
        assert.equal(live.state, 'running', `the run ended before epoch ${STOP_AT}: ${live.error ?? live.state}`);
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
      const stopped = (await vscode.commands.executeCommand('lossLens.stop', live.id)) as number;
      assert.equal(stopped, 1);
      const outcome = await lossLens.controller.whenDone(live.id);
      assert.equal(outcome?.state, 'stopped');
      const reached = live.epochs.at(-1)?.epoch ?? 0;

      const lag = (shown: readonly number[]): number[] => shown.flatMap((t, i) => (fileAt[i] !== undefined ? [t - fileAt[i]!] : []));
      console.log(
        `[loss-lens] live lag over ${samples} samples (${fileAt.length} epochs written): status bar at most ${behind.bar} epoch(s) behind metrics.jsonl, ` +
          `file -> status bar median ${median(lag(barAt)).toFixed(0)} ms, p90 ${quantile(lag(barAt), 0.9).toFixed(0)} ms; ` +
          `Runs view at most ${behind.row} behind, median ${median(lag(rowAt)).toFixed(0)} ms, ${redraws.row} row redraws and ${redraws.whole} of the whole list; Stop at displayed epoch ${displayedAtStop} ended at epoch ${reached}`,
      );
      assert.ok(samples >= 20, `sampled ${samples} times`);
      assert.ok(behind.bar <= 1, `the status bar was ${behind.bar} epochs behind metrics.jsonl`);
      assert.ok(behind.row <= 1, `the Runs view was ${behind.row} epochs behind metrics.jsonl`);
      assert.ok(redraws.row >= 20, `the run's row was redrawn ${redraws.row} times`);
      assert.ok(redraws.whole <= 3, `the whole Runs list was redrawn ${redraws.whole} times during one run (${redraws.row} row redraws)`);
      assert.ok(reached >= displayedAtStop && reached <= displayedAtStop + 1, `Stop at displayed epoch ${displayedAtStop} ended at epoch ${reached}`);
      assert.equal(epochsInFile(live.dir), reached, 'the run folder keeps every epoch the run reached');
    } finally {
      treeChanges.dispose();
      await vscode.workspace.fs.delete(uri);
    }
  });
});
