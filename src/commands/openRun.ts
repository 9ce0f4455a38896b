/**
 * `lossLens.openRun`: shows a run folder (written by the extension or by `loss-lens train`) in the
 * dashboard, or another trainer's log (Keras CSVLogger, Lightning metrics.csv, Hugging Face
 * trainer_state.json, TensorBoard event files, a bare metrics.jsonl) read and diagnosed exactly as `loss-lens diagnose` does.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { loadRunFolder } from '../jobs/runFolders';
import { newRunRecord, type RunRecord } from '../jobs/runStore';
import { diagnosePath } from '../run/diagnoseLog';
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
  let dir = target;
  try {
    if (!(await stat(target)).isDirectory() && path.basename(target) === 'metrics.jsonl') dir = path.dirname(target);
  } catch {
    void vscode.window.showErrorMessage(`Loss Lens: ${target} does not exist.`);
    return undefined;
  }
  const run = (await loadRunFolder(dir)) ?? readForeignLog(target);
  if (!run) return undefined;
  s.store.add(run);
  s.dashboard.show([run.id], false);
  return run;
}

/** Another trainer's log as a run: the same detectors as `loss-lens diagnose`. Errors name the file. */
function readForeignLog(file: string): RunRecord | undefined {
  try {
    const { log, diagnostics } = diagnosePath(file);
    const startedAt = Date.now();
    return newRunRecord({
      dir: path.resolve(file),
      origin: 'log',
      name: `${path.basename(file)} (${log.format})`,
      state: 'completed',
      startedAt,
      endedAt: startedAt,
      classes: log.classes ?? [],
      epochsPlanned: log.epochs.length,
      epochs: [...log.epochs],
      steps: log.steps.map((st) => ({ ...st, batch: 0, layerGradNorms: [], deadFractions: [], learningRate: NaN, timeMs: NaN })),
      flags: [...diagnostics.flags],
      calibration: diagnostics.calibration,
      diagnostics,
    });
  } catch (err) {
    void vscode.window.showErrorMessage(`Loss Lens: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
