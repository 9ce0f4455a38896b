// What every editor suite needs: the extension's API, files of the test workspace, polling with a
// deadline, and a run trained to its end (not a test file: index.ts loads only *.test.js).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import type { RunRecord } from '../../../src/store/runStore';

export const EXTENSION_ID = 'loss-lens.loss-lens';

export async function api(): Promise<LossLensApi> {
  const ext = vscode.extensions.getExtension<LossLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function trainToEnd(lossLens: LossLensApi, uri: vscode.Uri, openDashboard = false): Promise<RunRecord> {
  const run = (await vscode.commands.executeCommand('lossLens.train', uri, { whenAlreadyRunning: 'alongside', openDashboard })) as RunRecord | undefined;
  assert.ok(run, 'lossLens.train returned the run it started');
  await lossLens.controller.whenDone(run.id);
  return run;
}
