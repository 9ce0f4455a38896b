// Loss Lens inside a real VS Code (mocha, run by test/editor/index.ts through either launcher):
// every command works, a run trains to completion from lossLens.train on a workspace config, the
// status item and the sidebar show it, a bad config gets Problems entries on exact ranges and a
// quick fix, and a run's flag lands on the key it is about with a fix that edits the config.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import type { RunRecord } from '../../../src/store/runStore';
import type { LearningRateSearch } from '../../../src/model';
import { api, EXTENSION_ID, trainToEnd, waitFor, workspaceFile } from './editorKit';

describe('Loss Lens in the editor', function () {
  this.timeout(120_000);
  let lossLens: LossLensApi;
  let baseline: RunRecord;

  before(async () => {
    lossLens = await api();
    console.log(`[loss-lens] activate() took ${lossLens.activationMs.toFixed(1)} ms in ${vscode.env.appHost} VS Code ${vscode.version}`);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('trains a workspace config to completion from lossLens.train and writes its run folder', async () => {
    const uri = workspaceFile('iris.losslens.json');
    await vscode.window.showTextDocument(uri);
    // The extension host's own event-loop delay while the run trains (reported, not asserted:
    // timing depends on the machine; bench/extension-host-bench measures it in plain Node).
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    // No argument: the active *.losslens.json is trained.
    const run = (await vscode.commands.executeCommand('lossLens.train')) as RunRecord | undefined;
    assert.ok(run);
    assert.equal(run.configPath, uri.fsPath);
    // Live: the status item speaks about it while it trains or right after.
    await waitFor('a live reading in the status bar', () => lossLens.statusBar.text.match(/\d+\/30 loss \d/) ?? (run.state !== 'running' && lossLens.statusBar.text));
    const outcome = await lossLens.controller.whenDone(run.id);
    delay.disable();
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    console.log(`[loss-lens] extension host event-loop delay while the first run trains (editor start-up work included): p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms`);
    assert.equal(outcome?.state, 'completed', JSON.stringify(outcome));
    baseline = lossLens.store.get(run.id)!;
    assert.ok(baseline.epochs.length > 0 && baseline.epochs.length <= 30);
    for (const file of ['config.json', 'metrics.jsonl', 'diagnostics.json', 'predictions.csv', 'model.json']) assert.ok(existsSync(path.join(run.dir, file)), file);
    assert.equal(path.dirname(run.dir), workspaceFile('.losslens', 'runs').fsPath, 'runs go under the workspace .losslens/runs by default');
  });

  it('keeps the final state in the status bar after the run: epoch, both losses, a trend arrow', async () => {
    const text = lossLens.statusBar.text;
    assert.match(text, /^\$\([\w-]+\) \d+\/30 loss [\d.e+-]+[↓↑→]? val [\d.e+-]+[↓↑→]?$/, text);
  });

  it('lists configs, examples and runs in the sidebar trees', async () => {
    const configs = (await lossLens.configsTree.getChildren()).map((u) => path.basename(u.fsPath)).sort();
    assert.ok(configs.includes('iris.losslens.json') && configs.includes('diverging.losslens.json'), configs.join(', '));
    const examples = lossLens.examplesTree.getChildren().map((e) => e.name);
    assert.ok(examples.includes('digits') && examples.includes('spiral'), examples.join(', '));
    const runs = lossLens.runsTree.getChildren();
    const node = runs.find((n) => n.run.id === baseline.id);
    assert.ok(node, 'the run is in the Runs view');
    const item = lossLens.runsTree.getTreeItem(node);
    assert.equal(item.label, 'iris-baseline');
    // Issue 14: the start time tells runs of one config apart; the validation loss shown is the best one, and says so.
    assert.match(String(item.description), /^\d{2}:\d{2} · (completed · 30 epochs|early-stopped at epoch \d+ of 30) · best val loss [\d.]+ · val acc [\d.]+%/);
    assert.equal(item.contextValue, 'lossLens.run.completed');
    assert.equal(item.command?.command, 'lossLens.openDashboard');
  });

  it('opens the dashboard on a run, and compares two runs', async () => {
    const shown = (await vscode.commands.executeCommand('lossLens.openDashboard', baseline.id)) as readonly string[];
    assert.deepEqual(shown, [baseline.id]);
    await waitFor('the dashboard webview to become ready', () => lossLens.dashboards.forRun(baseline.id)?.isReady, 30_000);
    // Warm: measure the host's event-loop delay at idle and then while a second run trains.
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 2000));
    idle.disable();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const elu = performance.eventLoopUtilization();
    delay.enable();
    const second = await trainToEnd(lossLens, workspaceFile('iris.losslens.json'));
    delay.disable();
    const busy = performance.eventLoopUtilization(elu).utilization;
    console.log(`[loss-lens] extension host event-loop delay, idle: p50 ${ms(idle.percentile(50))} ms, p99 ${ms(idle.percentile(99))} ms, max ${ms(idle.max)} ms; while a warm run trains: p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms; host event loop busy ${(busy * 100).toFixed(1)}% of the run (all extensions)`);
    const compared = (await vscode.commands.executeCommand('lossLens.compareRuns', [second.id, baseline.id])) as readonly string[];
    assert.deepEqual([...compared].sort(), [second.id, baseline.id].sort());
  });

  it('exports a run as metrics CSV and run JSON (and chart PNGs when the dashboard renders them)', async () => {
    const folder = workspaceFile('exports').fsPath;
    const written = (await vscode.commands.executeCommand('lossLens.exportRun', baseline.id, { folder, images: true })) as string[];
    const names = written.map((f) => path.basename(f));
    assert.ok(names.some((n) => n.endsWith('-metrics.csv')), names.join(', '));
    assert.ok(names.some((n) => n.endsWith('-run.json')), names.join(', '));
    const csv = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(written.find((f) => f.endsWith('-metrics.csv'))!)));
    assert.equal(csv.split('\n')[0], 'epoch,trainLoss,valLoss,trainAccuracy,valAccuracy,learningRate,gradNorm,timeMs');
    assert.equal(csv.trim().split('\n').length, baseline.epochs.length + 1);
    // The dashboard is open and ready (previous test): it renders its charts to PNG for the export.
    const pngs = written.filter((f) => f.endsWith('.png'));
    assert.ok(pngs.length > 0, `chart images: ${names.join(', ')}`);
    const png = await vscode.workspace.fs.readFile(vscode.Uri.file(pngs[0]!));
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG signature');
  });

  it('opens a run folder from disk (lossLens.openRun)', async () => {
    const runsFolder = workspaceFile('.losslens', 'runs').fsPath;
    const dir = path.join(runsFolder, readdirSync(runsFolder).sort()[0]!);
    const run = (await vscode.commands.executeCommand('lossLens.openRun', dir)) as RunRecord | undefined;
    assert.ok(run);
    assert.ok(run.epochs.length > 0);
    assert.deepEqual(lossLens.dashboards.forRun(run.id)?.shownRunIds, [run.id]);
  });

  it('stops a live run mid-way (lossLens.stop) and keeps what was measured', async () => {
    const uri = workspaceFile('long.losslens.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{ "name": "long", "data": { "source": "digits" }, "model": { "hidden": [128] }, "training": { "epochs": 500, "batchSize": 8, "earlyStopping": false } }'));
    const run = (await vscode.commands.executeCommand('lossLens.train', uri, { openDashboard: false })) as RunRecord | undefined;
    assert.ok(run);
    await waitFor('the first epoch', () => run.epochs.length > 0);
    const stopped = (await vscode.commands.executeCommand('lossLens.stop', run.id)) as number;
    assert.equal(stopped, 1);
    const outcome = await lossLens.controller.whenDone(run.id);
    assert.equal(outcome?.state, 'stopped');
    assert.ok(run.epochs.length >= 1 && run.epochs.length < 500);
    assert.ok(existsSync(path.join(run.dir, 'metrics.jsonl')));
  });

  it('writes a commented config from lossLens.newConfig (presets skip the questions)', async () => {
    const uri = (await vscode.commands.executeCommand('lossLens.newConfig', { dataset: 'moons', task: 'baseline', hidden: [8], folder: workspaceFile().fsPath })) as vscode.Uri | undefined;
    assert.ok(uri);
    assert.equal(path.basename(uri.fsPath), 'moons.losslens.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /^\/\/ Loss Lens training config/);
    await waitFor('the config to be validated', () => lossLens.diagnostics.entriesFor(uri).length === 0 && lossLens.diagnostics.refresh(doc).length === 0 && true);
  });

  it('writes a config for your own CSV with the column of class labels you pick, and it trains', async () => {
    // A tab-separated table whose labels are NOT the last column (statsmodels and R write such files).
    const csv = workspaceFile('data', 'cars.tsv');
    const rows = Array.from({ length: 90 }, (_, i) => `${['usa', 'europe', 'japan'][i % 3]}\t${(i % 3) * 10 + (i % 7)}\t${100 + (i % 3) * 40 + (i % 11)}`);
    await vscode.workspace.fs.writeFile(csv, new TextEncoder().encode(`origin\tmpg\thorsepower\n${rows.join('\n')}\n`));
    const uri = (await vscode.commands.executeCommand('lossLens.newConfig', { csv: csv.fsPath, target: 'origin', task: 'baseline', hidden: [8], folder: workspaceFile().fsPath })) as vscode.Uri | undefined;
    assert.ok(uri);
    try {
      assert.equal(path.basename(uri.fsPath), 'cars.losslens.json');
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      assert.match(text, /"source": "data\/cars\.tsv"/);
      assert.match(text, /"target": "origin"/);
      const run = await trainToEnd(lossLens, uri);
      const done = lossLens.store.get(run.id)!;
      assert.equal(done.state, 'completed', done.error);
      assert.deepEqual(done.classes, ['europe', 'japan', 'usa']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
      await vscode.workspace.fs.delete(workspaceFile('data'), { recursive: true });
    }
  });

  it('shows a bad config in the Problems panel on the exact key, and a quick fix corrects it', async () => {
    const uri = workspaceFile('typo-key.losslens.json');
    const text = '{\n  // a typo in a key\n  "data": { "source": "iris" },\n  "optimizer": { "learningRat": 0.01 }\n}\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diagnostic = await waitFor('a Problems entry', () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'Loss Lens'));
    assert.equal(doc.getText(diagnostic.range), '"learningRat"');
    assert.match(diagnostic.message, /learningRate/);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const fix = actions.find((a) => a.title === 'Change to "learningRate"');
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), text.replace('"learningRat"', '"learningRate"'), 'only the key changed; the comment stays');
    await waitFor('the problem to clear as the text changed', () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Loss Lens').length === 0);
  });

  it("puts a run's flag on the key it concerns, with a fix that edits the config (comments kept)", async () => {
    const uri = workspaceFile('diverging.losslens.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const run = await trainToEnd(lossLens, uri);
    assert.ok(run.flags.some((f) => f.kind === 'exploding-loss'), run.flags.map((f) => f.kind).join(', '));
    const diagnostic = await waitFor('the exploding-loss flag in Problems', () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'exploding-loss'));
    assert.equal(doc.getText(diagnostic.range), '"learningRate"');
    assert.match(diagnostic.message, /^Exploding loss/);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const plain = actions.find((a) => /learning rate/i.test(a.title) && !a.title.endsWith('and train again'));
    const retrain = actions.find((a) => a.title.endsWith(', and train again'));
    assert.ok(plain?.edit && plain.command, actions.map((a) => a.title).join(' | '));
    assert.ok(retrain, 'an "and train again" variant is offered');
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(plain.edit));
    await vscode.commands.executeCommand(plain.command.command, ...(plain.command.arguments ?? []));
    assert.ok(doc.getText().includes('// A learning rate far too large'), 'comments are kept');
    assert.notEqual(doc.getText(), before);
    assert.match(doc.getText(), /"learningRate": 5\b/);
    assert.equal(doc.isDirty, false, 'the fix is saved');
    await waitFor('the applied flag to leave Problems', () => !vscode.languages.getDiagnostics(uri).some((d) => d.code === 'exploding-loss'));
  });

  it('"apply and train again" edits the config, trains it, and shows the new run beside the old one', async () => {
    const uri = workspaceFile('diverging.losslens.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    const old = await trainToEnd(lossLens, uri);
    const flagged = old.flags.find((f) => f.fix?.length);
    assert.ok(flagged, `a flag with a fix: ${old.flags.map((f) => f.kind).join(', ')}`);
    const diagnostic = await waitFor('the flag in Problems', () => vscode.languages.getDiagnostics(uri).find((d) => d.code === flagged.kind));
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const retrain = actions.find((a) => a.title === `${flagged.fix![0]!.title}, and train again`);
    assert.ok(retrain?.edit && retrain.command, actions.map((a) => a.title).join(' | '));
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(retrain.edit));
    const fresh = (await vscode.commands.executeCommand(retrain.command.command, ...(retrain.command.arguments ?? []))) as RunRecord | undefined;
    assert.ok(fresh, 'a new run started');
    assert.notEqual(fresh.id, old.id);
    assert.notEqual(doc.getText(), before);
    // Both runs are the config's: its own dashboard compares them.
    assert.deepEqual(lossLens.dashboards.forConfig(uri.fsPath)?.shownRunIds, [fresh.id, old.id]);
    await lossLens.controller.whenDone(fresh.id);
  });

  it('shows a run trained by the CLI in a terminal without a refresh', async () => {
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'out', 'cli.js');
    const before = new Set(lossLens.store.list().map((r) => r.id));
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, [cli, 'train', workspaceFile('iris.losslens.json').fsPath], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.equal(result.status, 0, result.stderr);
    const added = await waitFor('the CLI run in the Runs view', () => lossLens.store.list().find((r) => !before.has(r.id) && r.origin === 'folder'));
    assert.equal(added.name, 'iris-baseline');
    assert.ok(added.epochs.length > 0);
  });

  it('finds a learning rate with the range test and writes the suggestion into the config (comments kept)', async () => {
    const uri = workspaceFile('lrfind.losslens.json');
    const text = '{\n  // The rate to tune: far too small for SGD.\n  "name": "lrfind",\n  "data": { "source": "iris" },\n  "optimizer": { "type": "sgd", "learningRate": 0.0001 }\n}\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    try {
      const search = (await vscode.commands.executeCommand('lossLens.findLearningRate', uri, { apply: true })) as LearningRateSearch | undefined;
      assert.ok(search, 'the command returned the sweep');
      const suggested = search.result.suggested;
      assert.ok(suggested !== null && suggested > 0.0001 && suggested < 10, `suggested ${suggested}`);
      assert.ok(search.result.points.length >= 10, `${search.result.points.length} stages`);
      // The dashboard drew the same sweep and holds its suggestion for the button.
      // The test shows in its config's dashboard only.
      const shown = lossLens.dashboards.forConfig(uri.fsPath)?.shownRangeTest;
      assert.equal(lossLens.dashboards.forConfig(workspaceFile('iris.losslens.json').fsPath)?.shownRangeTest, undefined);
      assert.equal(shown?.state, 'completed');
      assert.equal(shown?.suggested, suggested);
      assert.deepEqual(shown?.points, search.result.points);
      const after = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      assert.match(after, /\/\/ The rate to tune: far too small for SGD\./);
      assert.equal(Number(/"learningRate":\s*([-+0-9.eE]+)/.exec(after)?.[1]), suggested);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  it("applies the range test's suggestion from the dashboard's button, and only for the test it shows", async () => {
    const uri = workspaceFile('lrbutton.losslens.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{\n  // tuned from the dashboard\n  "data": { "source": "iris" },\n  "optimizer": { "type": "sgd", "learningRate": 0.0001 }\n}\n'));
    try {
      const search = (await vscode.commands.executeCommand('lossLens.findLearningRate', uri)) as LearningRateSearch | undefined;
      const dashboard = lossLens.dashboards.forConfig(uri.fsPath);
      const shown = dashboard?.shownRangeTest;
      assert.ok(search && shown && shown.state === 'completed' && shown.suggested !== null, JSON.stringify(shown?.state));
      const read = async (): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      // A forged or stale id is refused by the gate: the file does not change.
      dashboard!.receive({ type: 'rangeTest/apply', id: 'range-forged', retrain: false });
      await new Promise((r) => setTimeout(r, 300));
      assert.match(await read(), /"learningRate": 0\.0001/);
      // The button's message for the test shown writes the suggestion, comments kept.
      dashboard!.receive({ type: 'rangeTest/apply', id: shown.id, retrain: false });
      const after = await waitFor('the suggestion in the file', async () => {
        const text = await read();
        return Number(/"learningRate":\s*([-+0-9.eE]+)/.exec(text)?.[1]) === shown.suggested && text;
      });
      assert.match(after, /\/\/ tuned from the dashboard/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('registers every palette command with a handler', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = ((vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands ?? []).map((c) => c.command);
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
    );
  });
});
