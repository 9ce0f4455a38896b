/**
 * `lossLens.applyFix` (internal): applies a flag's fix to the run's config — from a quick fix (whose
 * own edit already changed the text) or from the dashboard's button — then saves, drops the flag
 * from the Problems panel, and with `retrain` trains again and shows old and new run side by side.
 */
import * as vscode from 'vscode';
import type { ApplyFixArgs } from '../editor/configCodeActions';
import { editConfigFile } from './editConfig';
import { configUriOfRun } from './runConfig';
import { trainConfig } from './train';
import type { RunRecord } from '../store/runStore';
import type { Services } from './services';

export async function applyFixCommand(s: Services, args: ApplyFixArgs): Promise<RunRecord | undefined> {
  const oldRun = s.store.get(args.runId);
  const flag = oldRun?.flags[args.flagIndex];
  const fix = flag?.fix?.[args.fixIndex];
  const uri = args.configUri ? vscode.Uri.parse(args.configUri) : oldRun ? await configUriOfRun(s, oldRun) : undefined;
  if (!uri || !flag || !fix) {
    void vscode.window.showWarningMessage('Loss Lens: that fix no longer applies (the run or its config is gone).');
    return undefined;
  }
  if (args.alreadyApplied) await (await vscode.workspace.openTextDocument(uri)).save();
  else if (!(await editConfigFile(uri, fix.edits))) return undefined;
  s.diagnostics.clearRunFlags(uri, (f) => f.kind === flag.kind);
  if (!args.retrain) {
    void vscode.window.showInformationMessage(`Loss Lens: ${fix.title} — applied to ${vscode.workspace.asRelativePath(uri)}.`, 'Train Again').then((choice) => {
      if (choice) void applyFixCommand(s, { ...args, alreadyApplied: true, retrain: true });
    });
    return undefined;
  }
  const newRun = await trainConfig(s, uri, { whenAlreadyRunning: 'alongside', openDashboard: false });
  if (newRun && oldRun) s.dashboards.show([newRun.id, oldRun.id], true, true);
  return newRun;
}

/** From the dashboard: a run id and indices, validated against what it was shown. */
export async function applyFixFromDashboard(s: Services, runId: string, flagIndex: number, fixIndex: number, retrain: boolean): Promise<void> {
  const run = s.store.get(runId);
  if (!run) return;
  const uri = await configUriOfRun(s, run);
  if (!uri) {
    void vscode.window.showWarningMessage(`Loss Lens: the config of "${run.name}" is not in this workspace, so its fix cannot be applied.`);
    return;
  }
  await applyFixCommand(s, { configUri: uri.toString(), runId, flagIndex, fixIndex, retrain, alreadyApplied: false });
}
