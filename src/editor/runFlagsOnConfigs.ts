/**
 * Puts each live run's flags on its config in the Problems panel as they are raised, and the final
 * set when the run ends (replacing the previous run's).
 */
import * as vscode from 'vscode';
import type { RunStore } from '../store/runStore';
import type { ConfigDiagnostics } from './configDiagnostics';
import { toDisposable, type IDisposable } from '../dispose';

export function linkRunFlagsToConfigs(store: RunStore, diagnostics: ConfigDiagnostics): IDisposable {
  const show = (run: { id: string; configPath: string | undefined; origin: string; flags: readonly import('../model').Flag[] }): void => {
    if (run.origin !== 'live' || !run.configPath) return;
    const uri = vscode.Uri.file(run.configPath);
    diagnostics.setRunFlags(uri, run.id, run.flags);
    // The Problems panel places diagnostics on a document: load it (not shown) if it is closed.
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) void vscode.workspace.openTextDocument(uri).then(undefined, () => undefined);
  };
  const subscriptions = [store.onDidFlag(({ run }) => show(run)), store.onDidChangeState((run) => show(run))];
  return toDisposable(() => subscriptions.forEach((s) => s.dispose()));
}
