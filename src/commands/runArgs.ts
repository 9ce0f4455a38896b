/**
 * Commands are invoked from the palette (no argument), from tree items (a tree node), from the
 * status bar and webview (a run id), and from context menus (the node plus the multi-selection).
 * These turn any of those into runs.
 */
import * as vscode from 'vscode';
import { runWords } from '../views/statusText';
import type { RunRecord } from '../store/runStore';
import type { Services } from './services';

/** The runs an argument names; none when it names nothing. */
export function runsFromArgs(s: Services, ...args: unknown[]): RunRecord[] {
  const out: RunRecord[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string') {
      const run = s.store.get(v);
      if (run) out.push(run);
    } else if (Array.isArray(v)) v.forEach(add);
    else if (v && typeof v === 'object' && 'run' in v) {
      const run = s.store.get((v as { run: RunRecord }).run.id);
      if (run) out.push(run);
    }
  };
  args.forEach(add);
  return [...new Set(out)];
}

/** Asks for runs with a QuickPick (newest first); undefined when cancelled. */
export async function pickRuns(s: Services, options: { placeHolder: string; many: boolean; filter?: (r: RunRecord) => boolean }): Promise<RunRecord[] | undefined> {
  const runs = s.store.list().filter(options.filter ?? (() => true));
  if (!runs.length) {
    void vscode.window.showInformationMessage('Loss Lens: there are no runs yet. Train a config first.');
    return undefined;
  }
  const items = runs.map((run) => ({ label: run.name, description: `${runWords(run)} · ${new Date(run.startedAt).toLocaleString()}`, detail: vscode.workspace.asRelativePath(run.dir), run }));
  if (options.many) {
    const picked = await vscode.window.showQuickPick(items, { placeHolder: options.placeHolder, canPickMany: true, matchOnDetail: true });
    return picked?.map((p) => p.run);
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: options.placeHolder, matchOnDetail: true });
  return picked ? [picked.run] : undefined;
}
