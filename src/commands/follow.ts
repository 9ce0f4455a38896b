/**
 * `lossLens.follow`: follows a training log or a folder of runs while another process writes it
 * (PyTorch, Lightning, Hugging Face, Keras, or `loss-lens train` in a terminal): every run in it
 * appears in the Runs view and updates live, and runs that start there later are picked up.
 * `lossLens.stopFollowing`: stops one run (the Runs view's inline action), or the paths picked.
 * Following a path or a run again restarts it from the start of its log.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { describeFailure } from '../model';
import type { RunRecord } from '../store/runStore';
import { runsFromArgs } from './runArgs';
import { requireTrust } from './trust';
import type { Services } from './services';

export async function followCommand(s: Services, arg?: unknown): Promise<RunRecord[]> {
  if (!requireTrust('follow logs or run folders')) return [];
  // A run (the Runs view's Follow, on a log read once or whose following stopped): its own path again.
  const run = typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? runsFromArgs(s, arg)[0] : typeof arg === 'string' ? s.store.get(arg) : undefined;
  let target = run?.dir ?? (arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined);
  if (!target) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Follow',
      title: 'A training log or a folder of runs to follow while it is written (TensorBoard events, Keras or Lightning CSV, trainer_state.json, a Loss Lens run folder)',
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    target = picked?.[0]?.fsPath;
  }
  if (!target) return [];
  if (!existsSync(target)) {
    void vscode.window.showErrorMessage(`Loss Lens: ${target} does not exist.`);
    return [];
  }
  let runs: RunRecord[];
  try {
    runs = await s.follows.follow(target);
  } catch (error) {
    void vscode.window.showErrorMessage(`Loss Lens: ${describeFailure(error).message}`);
    return [];
  }
  const name = vscode.workspace.asRelativePath(target);
  if (runs.length === 1) s.dashboards.show([runs[0]!.id], false, true);
  else void vscode.window.showInformationMessage(runs.length ? `Loss Lens: following ${runs.length} runs in ${name}; they are in the Runs view.` : `Loss Lens: following ${name}; runs appear in the Runs view as they start.`);
  return runs;
}

export async function stopFollowingCommand(s: Services, ...args: unknown[]): Promise<number> {
  const runs = runsFromArgs(s, ...args).filter((r) => s.follows.isFollowed(r.id));
  if (runs.length) {
    for (const run of runs) await s.follows.stop(run.id);
    return runs.length;
  }
  const paths = s.follows.followedPaths();
  if (!paths.length) {
    void vscode.window.showInformationMessage('Loss Lens: nothing is followed.');
    return 0;
  }
  const picked =
    paths.length === 1
      ? paths
      : (await vscode.window.showQuickPick(
          paths.map((p) => ({ label: vscode.workspace.asRelativePath(p), description: path.basename(p), path: p })),
          { placeHolder: 'Stop following which logs?', canPickMany: true },
        ))?.map((p) => p.path) ?? [];
  let stopped = 0;
  for (const p of picked) stopped += await s.follows.stopPath(p);
  return stopped;
}
