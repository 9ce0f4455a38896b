/**
 * `lossLens.openRun`: shows a run folder (written by the extension or by `loss-lens train`) in the
 * dashboard, or another trainer's log once the log readers understand it.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { loadRunFolder } from '../jobs/runFolders';
import type { RunRecord } from '../jobs/runStore';
import { requireTrust } from './trust';
import type { Services } from './services';

export async function openRunCommand(s: Services, arg?: unknown): Promise<RunRecord | undefined> {
  if (!requireTrust('read run folders or logs')) return undefined;
  let target = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
  if (!target) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Open Run',
      title: 'A Loss Lens run folder, or a training log (metrics.jsonl, CSV)',
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    target = picked?.[0]?.fsPath;
  }
  if (!target) return undefined;
  let dir = target;
  try {
    if (!(await stat(target)).isDirectory() && path.basename(target) === 'metrics.jsonl') dir = path.dirname(target);
  } catch {
    void vscode.window.showErrorMessage(`Loss Lens: ${target} does not exist.`);
    return undefined;
  }
  const run = await loadRunFolder(dir);
  if (!run) {
    void vscode.window.showErrorMessage(`Loss Lens: ${target} is not a run folder (it needs a metrics.jsonl).`);
    return undefined;
  }
  s.store.add(run);
  s.dashboard.show([run.id], false);
  return run;
}
