// Dashboards in a real VS Code: each config trained gets its own dashboard, its tab named after the
// run it shows, and training a config again reuses that config's dashboard; a fix pressed in a
// dashboard edits the config in the file's own style and shows the file.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import { api, trainToEnd, waitFor, workspaceFile } from './editorKit';

/** The labels of the dashboard tabs open in the editor. */
function dashboardTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('lossLens.dashboard'))
    .map((t) => t.label);
}

const write = (uri: vscode.Uri, text: string): Thenable<void> => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
const read = async (uri: vscode.Uri): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));

describe('Dashboards', function () {
  this.timeout(120_000);
  let lossLens: LossLensApi;

  before(async () => {
    lossLens = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('trains two configs into two dashboards titled by their runs, and a config trained again reuses its own', async () => {
    const iris = workspaceFile('iris.losslens.json');
    const other = workspaceFile('second.losslens.json');
    await write(other, '{ "name": "iris-second", "seed": 1, "data": { "source": "iris" }, "model": { "hidden": [8] }, "training": { "epochs": 5 } }\n');
    try {
      const first = await trainToEnd(lossLens, iris, true);
      const second = await trainToEnd(lossLens, other, true);
      const a = lossLens.dashboards.forConfig(iris.fsPath);
      const b = lossLens.dashboards.forConfig(other.fsPath);
      assert.ok(a && b && a !== b, 'each config has its own dashboard');
      assert.deepEqual(a.shownRunIds, [first.id]);
      assert.deepEqual(b.shownRunIds, [second.id]);
      assert.match(a.title, /^Loss Lens: iris-baseline · \d\d:\d\d$/);
      assert.match(b.title, /^Loss Lens: iris-second · \d\d:\d\d$/);
      // The editor's tabs say the same.
      await waitFor('both dashboard tabs', () => dashboardTabs().includes(a.title) && dashboardTabs().includes(b.title));

      const again = await trainToEnd(lossLens, iris, true);
      assert.equal(lossLens.dashboards.forConfig(iris.fsPath), a, "the config's dashboard is reused");
      assert.deepEqual(a.shownRunIds, [again.id]);
      assert.deepEqual(b.shownRunIds, [second.id], "the other config's dashboard keeps its run");
      assert.equal(dashboardTabs().length, 2, dashboardTabs().join(' | '));
      assert.ok(dashboardTabs().includes(a.title) && a.title !== b.title);
    } finally {
      await vscode.workspace.fs.delete(other);
    }
  });

  it('applies a fix from the dashboard in the config’s own style, and shows the config', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = workspaceFile('compact.losslens.json');
    // Tabs, no space after ":" or ",", objects on one line: the fix must write the same way.
    const text = '{\n\t// SGD at 50 explodes: the fixes lower the rate or clip the gradients.\n\t"name":"compact-diverging",\n\t"seed":0,\n\t"data":{"source":"iris","validationSplit":0.2},\n\t"optimizer":{"type":"sgd","learningRate":50},\n\t"training":{"epochs":8,"batchSize":16,"earlyStopping":false}\n}\n';
    await write(uri, text);
    try {
      const run = await trainToEnd(lossLens, uri);
      const flagIndex = run.flags.findIndex((f) => f.kind === 'exploding-loss');
      assert.ok(flagIndex >= 0, run.flags.map((f) => f.kind).join(', '));
      const fixIndex = run.flags[flagIndex]!.fix!.findIndex((f) => f.edits.some((e) => e.path === 'training.gradientClip'));
      assert.ok(fixIndex >= 0, JSON.stringify(run.flags[flagIndex]!.fix));
      const clip = run.flags[flagIndex]!.fix![fixIndex]!.edits[0]!.value;
      const dashboard = lossLens.dashboards.show([run.id]);
      assert.ok(dashboard);
      assert.ok(!vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString()), 'the config is not on screen before');
      dashboard.receive({ type: 'fix/apply', runId: run.id, flagIndex, fixIndex, retrain: false });
      const after = await waitFor('the fix in the file', async () => {
        const now = await read(uri);
        return now !== text && now;
      });
      assert.equal(after, text.replace('"earlyStopping":false}', `"earlyStopping":false,"gradientClip":${JSON.stringify(clip)}}`));
      const editor = await waitFor('the config shown', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString()));
      assert.equal(editor.document.getText(editor.selection), `,"gradientClip":${JSON.stringify(clip)}`, 'the edit is selected');
      assert.equal(editor.document.isDirty, false, 'and saved');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
