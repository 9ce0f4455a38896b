/**
 * Puts the flags of each config's latest run on that config in the Problems panel: a live run's as
 * they are raised and its final set when it ends (replacing the previous run's), and after a reload
 * those of the latest run read back from the runs folders (status.json names its config), so the
 * entries and their quick fixes survive a reload.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import type { RunRecord, RunStore } from '../store/runStore';
import type { ConfigDiagnostics } from './configDiagnostics';
import { toDisposable, type IDisposable } from '../dispose';

/** The newest run of each config (by resolved path), among runs that know their config. */
export function latestRunPerConfig(runs: readonly RunRecord[]): RunRecord[] {
  const latest = new Map<string, RunRecord>();
  for (const run of runs) {
    if (!run.configPath) continue;
    const key = path.resolve(run.configPath);
    const seen = latest.get(key);
    if (!seen || run.startedAt > seen.startedAt) latest.set(key, run);
  }
  return [...latest.values()];
}

export function linkRunFlagsToConfigs(store: RunStore, diagnostics: ConfigDiagnostics): IDisposable {
  const place = (run: RunRecord): void => {
    if (!run.configPath) return;
    const uri = vscode.Uri.file(run.configPath);
    diagnostics.setRunFlags(uri, run.id, run.flags);
    // The Problems panel places diagnostics on a document: load it (not shown) if it is closed.
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) void vscode.workspace.openTextDocument(uri).then(undefined, () => undefined);
  };
  const showLive = (run: RunRecord): void => {
    if (run.origin === 'live') place(run);
  };
  // Past runs: the latest of each config, once per session (a fix applied since drops its flag for good).
  const restore = (): void => {
    for (const run of latestRunPerConfig(store.list())) {
      if (run.origin === 'folder' && run.state !== 'running' && run.flags.length && !diagnostics.hasPlaced(run.id)) place(run);
    }
  };
  const subscriptions = [store.onDidFlag(({ run }) => showLive(run)), store.onDidChangeState((run) => showLive(run)), store.onDidChange(restore)];
  restore();
  return toDisposable(() => subscriptions.forEach((s) => s.dispose()));
}
