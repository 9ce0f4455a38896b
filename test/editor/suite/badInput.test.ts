// The same bad input reads the same in the editor and in the terminal: a config with a typo and a
// config whose CSV has a ragged row, trained from the palette command and by the CLI. The editor's
// notification must carry the CLI's message word for word (both come from describeFailure), which
// names the file and the key, or the row.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import type { RunRecord } from '../../../src/store/runStore';

const EXTENSION_ID = 'loss-lens.loss-lens';

function workspaceFile(name: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return path.join(folder.uri.fsPath, name);
}

/** The CLI's one-line message for this config (`loss-lens: <message>`), and its exit status. */
function cliMessage(config: string): { status: number | null; message: string } {
  const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'out', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'train', config], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const line = r.stderr.split('\n').find((l) => l.startsWith('loss-lens: '));
  assert.ok(line, `the CLI printed a loss-lens: line:\n${r.stderr}`);
  return { status: r.status, message: line.slice('loss-lens: '.length) };
}

/** Runs `action` with the error notifications it shows captured (and not shown). */
async function capturingErrors(action: () => Promise<unknown>, settle: () => Promise<unknown>): Promise<string[]> {
  const shown: string[] = [];
  const window = vscode.window as { showErrorMessage: (message: string, ...items: unknown[]) => Thenable<unknown> };
  const original = window.showErrorMessage;
  window.showErrorMessage = (message: string) => {
    shown.push(message);
    return Promise.resolve(undefined);
  };
  try {
    await action();
    await settle();
  } finally {
    window.showErrorMessage = original;
  }
  return shown;
}

describe('bad input reads the same in the editor and the CLI', function () {
  this.timeout(60_000);
  let lossLens: LossLensApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<LossLensApi>(EXTENSION_ID)!;
    lossLens = ext.isActive ? ext.exports : await ext.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The other suites share the workspace: leave no bad config behind to show up in their Problems.
    for (const name of ['same-message-typo.losslens.json', 'same-message-ragged.losslens.json', 'ragged-editor.csv']) rmSync(workspaceFile(name), { force: true });
  });

  it('a mistyped key: the same message, naming the file and the key', async () => {
    const config = workspaceFile('same-message-typo.losslens.json');
    writeFileSync(config, '{ "data": { "source": "iris" }, "optimizer": { "learnigRate": 0.01 } }\n');
    const cli = cliMessage(config);
    assert.equal(cli.status, 2);
    assert.match(cli.message, /same-message-typo\.losslens\.json: optimizer\.learnigRate/);
    const shown = await capturingErrors(
      () => Promise.resolve(vscode.commands.executeCommand('lossLens.train', vscode.Uri.file(config), { openDashboard: false })),
      () => Promise.resolve(),
    );
    assert.ok(
      shown.some((m) => m.includes(cli.message)),
      `the editor showed ${JSON.stringify(shown)}; the CLI said ${JSON.stringify(cli.message)}`,
    );
  });

  it('a ragged CSV row: the same message, naming the file and the row', async () => {
    const csv = workspaceFile('ragged-editor.csv');
    writeFileSync(csv, 'a,b,label\n1,2,x\n3,4,y\n5,y\n6,7,x\n');
    const config = workspaceFile('same-message-ragged.losslens.json');
    writeFileSync(config, JSON.stringify({ data: { source: 'ragged-editor.csv' }, training: { epochs: 2 } }));
    const cli = cliMessage(config);
    assert.equal(cli.status, 2);
    assert.match(cli.message, /ragged-editor\.csv/);
    assert.match(cli.message, /row 4/);
    let run: RunRecord | undefined;
    const shown = await capturingErrors(
      async () => (run = (await vscode.commands.executeCommand('lossLens.train', vscode.Uri.file(config), { openDashboard: false })) as RunRecord | undefined),
      async () => {
        assert.ok(run, 'the run started (the data is read in the worker)');
        await lossLens.controller.whenDone(run.id);
        // The notification follows the run's end in the same tick chain; give it a turn.
        await new Promise((r) => setTimeout(r, 50));
      },
    );
    assert.equal(run?.state, 'failed');
    assert.ok(!existsSync(run.dir), 'a run that failed before its first write leaves no empty run folder');
    assert.ok(
      shown.some((m) => m.includes(cli.message)),
      `the editor showed ${JSON.stringify(shown)}; the CLI said ${JSON.stringify(cli.message)}`,
    );
  });
});
