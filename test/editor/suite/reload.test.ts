// What a user had survives a reload. A "previous session" here is what one leaves on disk: the CLI
// (the same worker and run-folder writer as the editor) trains configs of this workspace and is
// stopped with Ctrl-C, runs to an early stop, or is killed mid-run as a crash would; and a live run
// of this window is ended the way deactivate() ends it. Reading the runs folders back, as activation
// does, must give each run its own state with how far it got, its config's "last run" line, a Train
// Again action for the cut-off run, and the latest run's flags back in Problems with their fixes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import { loadRunFolder } from '../../../src/store/pastRuns';
import { runIdOf, type RunRecord } from '../../../src/store/runStore';
import { runsToAnnounce } from '../../../src/views/interruptedRuns';
import { api, EXTENSION_ID, waitFor, workspaceFile } from './editorKit';

/** Epoch records written so far to a run folder's metrics.jsonl. */
function epochsWritten(dir: string): number {
  const file = path.join(dir, 'metrics.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"valLoss"')).length;
}

/**
 * `loss-lens train <config>` in its own process, as a terminal would run it. `until` ends it once
 * the run folder holds `epochs` epochs: with Ctrl-C (SIGINT: the folder is finished as stopped) or
 * killed (SIGKILL: a crash, the folder is left as the writer had it). Resolves with the run folder.
 */
async function cliRun(config: vscode.Uri, until?: { epochs: number; signal: 'SIGINT' | 'SIGKILL' }): Promise<string> {
  const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'out', 'cli.js');
  const child = spawn(process.execPath, [cli, 'train', config.fsPath], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const dir = await waitFor('the CLI to name its run folder', () => /^Run folder: (.+)$/m.exec(stderr)?.[1]?.trim());
  if (until) {
    await waitFor(`${until.epochs} epochs in ${dir}`, () => epochsWritten(dir) >= until.epochs);
    child.kill(until.signal);
  }
  const code = await exited;
  if (!until) assert.equal(code, 0, stderr);
  return dir;
}

/**
 * The Runs view's row of a run folder once its process has ended, after the runs folders were read
 * back as activation does. The Runs watcher may already follow the folder live (it scans every 2 s);
 * a followed run keeps its record through a reload and learns of the end at its next poll (250 ms),
 * so the row is read again until it no longer says "running".
 */
async function rowOf(lossLens: LossLensApi, dir: string): Promise<{ run: RunRecord; item: vscode.TreeItem }> {
  await lossLens.reloadRuns();
  const node = await waitFor(
    `the run of ${dir} in the Runs view, ended`,
    () => lossLens.runsTree.getChildren().find((n) => n.run.id === runIdOf(dir) && n.run.state !== 'running'),
    10_000,
  );
  return { run: node.run, item: lossLens.runsTree.getTreeItem(node) };
}

/** The package.json menu entries of a command for a Runs view item, by its context value. */
function menusFor(command: string, contextValue: string): string[] {
  const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> } };
  return pkg.contributes.menus['view/item/context']!.filter((m) => {
    if (m.command !== command || !m.when?.includes('view == lossLens.runs')) return false;
    const pattern = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(m.when)?.[1];
    return pattern !== undefined && new RegExp(pattern).test(contextValue);
  }).map((m) => m.group ?? '');
}

const LONG = '{\n  "name": "reload-long",\n  "data": { "source": "digits" },\n  "model": { "hidden": [128] },\n  "training": { "epochs": 150, "batchSize": 8, "earlyStopping": false }\n}\n';
const EARLY = '{\n  "name": "reload-early",\n  "data": { "source": "iris" },\n  "model": { "hidden": [16] },\n  "optimizer": { "learningRate": 0.01 },\n  "training": { "epochs": 200, "batchSize": 16, "earlyStopping": { "patience": 2, "minDelta": 0.05 } }\n}\n';
const FLAGGED = '{\n  // SGD at a learning rate far too large: "Exploding loss" on optimizer.learningRate.\n  "name": "reload-flagged",\n  "seed": 0,\n  "data": { "source": "iris" },\n  "model": { "hidden": [16] },\n  "optimizer": { "type": "sgd", "learningRate": 50 },\n  "training": { "epochs": 20, "batchSize": 16, "earlyStopping": false }\n}\n';

describe('state after a reload', function () {
  this.timeout(180_000);
  let lossLens: LossLensApi;
  const long = workspaceFile('reload-long.losslens.json');
  const early = workspaceFile('reload-early.losslens.json');
  const flagged = workspaceFile('reload-flagged.losslens.json');

  before(async () => {
    lossLens = await api();
    for (const [uri, text] of [[long, LONG], [early, EARLY], [flagged, FLAGGED]] as const) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    lossLens.configsTree.refresh();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a run stopped in a previous session reads "stopped at epoch N of 150", with its config and start time', async () => {
    const dir = await cliRun(long, { epochs: 2, signal: 'SIGINT' });
    const { run, item } = await rowOf(lossLens, dir);
    assert.equal(run.state, 'stopped');
    assert.equal(run.configPath, long.fsPath, 'status.json names the config the run trained');
    const reached = epochsWritten(dir);
    assert.match(String(item.description), new RegExp(`^\\d{2}:\\d{2} · stopped at epoch ${reached} of 150 · best val loss [\\d.]+ · val acc [\\d.]+%`));
    assert.doesNotMatch(String(item.description), /completed|finished/i);
    assert.equal(item.contextValue, 'lossLens.run.stopped');
  });

  it('an early-stopped run reads "early-stopped at epoch N of 200", not "completed"', async () => {
    const dir = await cliRun(early);
    const { run, item } = await rowOf(lossLens, dir);
    assert.equal(run.state, 'completed');
    assert.equal(run.reason, 'early-stopped');
    assert.match(String(item.description), new RegExp(` · early-stopped at epoch ${run.epochs.at(-1)!.epoch} of 200 · `));
    const configRow = lossLens.configsTree.getTreeItem(early);
    assert.match(String(configRow.description), /last run early-stopped at epoch \d+ of 200/);
  });

  it('a run cut off by a crash reads "interrupted at epoch N of 150", with Train Again, and is announced once', async () => {
    const dir = await cliRun(long, { epochs: 2, signal: 'SIGKILL' });
    const { run, item } = await rowOf(lossLens, dir);
    const reached = epochsWritten(dir);
    assert.equal(run.state, 'interrupted', 'status.json says running, but its writer is gone');
    assert.equal(run.epochs.length, reached, 'what it reached is kept');
    assert.match(String(item.description), new RegExp(` · interrupted at epoch ${reached} of 150 · `));
    assert.equal(item.contextValue, 'lossLens.run.interrupted');
    assert.ok(menusFor('lossLens.trainAgain', item.contextValue).includes('inline@1'), 'Train Again is an inline action of the row');
    assert.ok(runsToAnnounce(lossLens.store.list(), new Set()).some((r) => r.id === run.id), 'the interruption is announced after activation');
    assert.ok(!runsToAnnounce(lossLens.store.list(), new Set([run.id])).some((r) => r.id === run.id), 'but only once');
    // The Configs view keeps the config's last run.
    assert.match(String(lossLens.configsTree.getTreeItem(long).description), new RegExp(`last run interrupted at epoch ${reached} of 150`));
    // Train Again from the row trains that config.
    const again = (await vscode.commands.executeCommand('lossLens.trainAgain', { kind: 'run', run })) as RunRecord | undefined;
    assert.ok(again, 'a new run started');
    assert.equal(again.configPath, long.fsPath);
    assert.notEqual(again.id, run.id);
    lossLens.controller.stop(again.id);
    await lossLens.controller.whenDone(again.id);
  });

  it('a run of this window ended by deactivate() reads back as interrupted, with the epochs it reached', async () => {
    const run = (await vscode.commands.executeCommand('lossLens.train', long, { openDashboard: false, whenAlreadyRunning: 'alongside' })) as RunRecord | undefined;
    assert.ok(run);
    await waitFor('two epochs', () => run.epochs.length >= 2);
    // What deactivate() does on a reload: stop every live run as a shutdown and wait for its folder.
    await lossLens.controller.stopAllAndWait(3_000);
    const status = JSON.parse(readFileSync(path.join(run.dir, 'status.json'), 'utf8')) as { state: string; epochs: number; config: string };
    assert.equal(status.state, 'interrupted');
    assert.equal(path.resolve(run.dir, status.config), long.fsPath);
    // The next window reads the folder back (its own record, not this window's live one).
    const next = await loadRunFolder(run.dir);
    assert.ok(next);
    assert.equal(next.state, 'interrupted');
    assert.equal(next.epochs.length, status.epochs);
    assert.ok(next.epochs.length >= 2);
    assert.equal(next.configPath, long.fsPath);
    assert.match(String(next.error), /editor closed or reloaded/);
  });

  it("puts the latest past run's flags back on its config's keys in Problems, with their quick fixes", async () => {
    const dir = await cliRun(flagged);
    const { run } = await rowOf(lossLens, dir);
    assert.ok(run.flags.some((f) => f.kind === 'exploding-loss'), run.flags.map((f) => f.kind).join(', '));
    const diagnostic = await waitFor('the exploding-loss flag in Problems', () => vscode.languages.getDiagnostics(flagged).find((d) => d.code === 'exploding-loss'));
    const doc = await vscode.workspace.openTextDocument(flagged);
    assert.equal(doc.getText(diagnostic.range), '"learningRate"');
    assert.equal(vscode.languages.getDiagnostics(flagged).filter((d) => d.source === 'Loss Lens').length, run.flags.length, 'every flag of the run, once');
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', flagged, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const fix = actions.find((a) => /learning rate/i.test(a.title) && !a.title.endsWith('and train again'));
    assert.ok(fix?.edit && fix.command, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    await waitFor('the applied flag to leave Problems', () => !vscode.languages.getDiagnostics(flagged).some((d) => d.code === 'exploding-loss'));
    // The next window restores the same run's flags (as linkRunFlagsToConfigs does after activation):
    // one whose fix is now in the file does not come back.
    const restored = (await lossLens.reloadRuns(), lossLens.store.get(run.id))!;
    lossLens.diagnostics.setRunFlags(flagged, restored.id, restored.flags);
    assert.ok(!lossLens.diagnostics.refresh(doc).some((e) => e.origin.kind === 'flag' && e.origin.flag.kind === 'exploding-loss'));
  });
});
