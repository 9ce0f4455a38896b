/**
 * `lossLens.openRun`: shows a run folder (written by the extension or by `loss-lens train`) in the
 * dashboard, or another trainer's log (Keras CSVLogger, Lightning metrics.csv, Hugging Face
 * trainer_state.json, TensorBoard event files, a bare metrics.jsonl), read through the same run
 * source as `loss-lens diagnose`, so both report the same flags.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { applyReading, newRunRecord, type RunRecord } from '../store/runStore';
import { endOf, readAll } from '../sources/runSource';
import { describeFailure } from '../model';
import { FolderSource } from '../sources/folderSource';
import { sourcesFor } from '../sources/sourceFor';
import { runKey } from '../sources/logdirFollower';
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
      title: 'A Loss Lens run folder, or a training log (metrics.jsonl, Keras or Lightning CSV, trainer_state.json, TensorBoard events)',
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    target = picked?.[0]?.fsPath;
  }
  if (!target) return undefined;
  if (!existsSync(target)) {
    void vscode.window.showErrorMessage(`Loss Lens: ${target} does not exist.`);
    return undefined;
  }
  // The same sources `loss-lens diagnose` reads: a run folder, or every run of another trainer's logs.
  let found: Awaited<ReturnType<typeof sourcesFor>>;
  try {
    found = await sourcesFor(target);
  } catch (error) {
    void vscode.window.showErrorMessage(`Loss Lens: ${describeFailure(error).message}`);
    return undefined;
  }
  const runs: RunRecord[] = [];
  let failure: string | undefined;
  for (const [i, source] of found.sources.entries()) {
    const readings = await readAll(source);
    const end = endOf(readings);
    if (end?.state === 'failed' && end.failure.badInput) {
      failure ??= end.failure.message;
      continue;
    }
    // The run's folder (or file, for one-file logs), as Follow names it: following it later updates this record.
    const dir = source instanceof FolderSource ? source.dir : runKey(found.found.root, found.found.runs[i]!);
    const run = newRunRecord({ dir, origin: source.origin, name: path.basename(dir), startedAt: Date.now() });
    for (const reading of readings) applyReading(run, reading);
    s.store.add(run);
    runs.push(run);
  }
  if (!runs.length) {
    void vscode.window.showErrorMessage(`Loss Lens: ${failure ?? `${target}: no run found`}`);
    return undefined;
  }
  s.dashboards.show([runs[0]!.id], false);
  if (runs.length > 1) void vscode.window.showInformationMessage(`Loss Lens: ${runs.length} runs read from ${path.basename(target)}; they are in the Runs view.`);
  return runs[0];
}
