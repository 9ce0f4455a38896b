// What the UI says it does, it does. The Examples view's Train creates the example's config and
// trains it; the New Config wizard's baseline on a small table (70 rows, judged on 14 validation
// rows) is sized from its row count and trains without the "learning rate too low" plateau the
// fixed settings gave, and any flag judged on that split says the split is too small to be sure.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import type { RunRecord } from '../../../src/store/runStore';
import { api, EXTENSION_ID, workspaceFile } from './editorKit';

describe('promises kept', function () {
  this.timeout(120_000);
  let lossLens: LossLensApi;

  before(async () => {
    lossLens = await api();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("the Examples view's Train creates the example's config and trains it", async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> } };
    const inline = pkg.contributes.menus['view/item/context']!.find((m) => m.command === 'lossLens.train' && m.when?.includes('view == lossLens.examples'));
    assert.match(inline?.group ?? '', /^inline/, 'Train is an inline action of an example');
    const example = lossLens.examplesTree.getChildren().find((e) => e.name === 'blobs');
    assert.ok(example);
    const config = workspaceFile('blobs.losslens.json');
    assert.ok(!existsSync(config.fsPath), 'no blobs config yet');
    // What the inline action sends: the tree's element.
    const run = (await vscode.commands.executeCommand('lossLens.train', example, { openDashboard: false })) as RunRecord | undefined;
    assert.ok(run, 'a run started');
    assert.equal(run.configPath, config.fsPath);
    assert.ok(existsSync(config.fsPath), 'the config was written');
    const end = await lossLens.controller.whenDone(run.id);
    assert.equal(end?.state, 'completed', JSON.stringify(end));
  });

  it("the wizard's baseline on a 70-row table is sized for it, raises no plateau, and says when 14 validation rows are too few", async () => {
    const iris = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'media', 'datasets', 'iris.csv');
    const [header, ...rows] = readFileSync(iris, 'utf8').trim().split('\n');
    // Every other flower of the first 140: 70 rows, the three species kept.
    const small = rows.slice(0, 140).filter((_, i) => i % 2 === 0);
    assert.equal(small.length, 70);
    const csv = workspaceFile('small', 'iris70.csv');
    await vscode.workspace.fs.writeFile(csv, new TextEncoder().encode([header, ...small].join('\n') + '\n'));
    const uri = (await vscode.commands.executeCommand('lossLens.newConfig', { csv: csv.fsPath, target: 'label', task: 'baseline', hidden: [16], folder: workspaceFile().fsPath })) as vscode.Uri | undefined;
    assert.ok(uri);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    // 56 training rows: batches of 8, 7 steps an epoch, about 1000 steps; Adam at 0.003.
    assert.match(text, /"batchSize": 8\b/);
    assert.match(text, /"epochs": 143\b/);
    assert.match(text, /"learningRate": 0\.003\b/);
    const run = (await vscode.commands.executeCommand('lossLens.train', uri, { openDashboard: false, whenAlreadyRunning: 'alongside' })) as RunRecord | undefined;
    assert.ok(run);
    const end = await lossLens.controller.whenDone(run.id);
    assert.equal(end?.state, 'completed', JSON.stringify(end));
    const done = lossLens.store.get(run.id)!;
    console.log(`[loss-lens] 70-row baseline: ${done.epochs.length} epochs, flags: ${done.flags.map((f) => `${f.kind} (${f.severity})`).join(', ') || 'none'}`);
    assert.ok(!done.flags.some((f) => f.kind === 'plateau'), done.flags.map((f) => f.message).join(' | '));
    for (const flag of done.flags.filter((f) => ['overfitting', 'miscalibration'].includes(f.kind))) assert.match(flag.message, /Judged on only 14 validation rows/, flag.message);
  });
});
