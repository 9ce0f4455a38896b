/**
 * A run cut off by a reload or a crash is not ended silently: once the runs folders are read back
 * after activation, a run interrupted since the last time the user was told is announced once, with
 * how far it got and a way to train it again. The ids already announced are kept in workspace state.
 */
import * as vscode from 'vscode';
import type { RunRecord, RunStore } from '../store/runStore';
import { CommandIds } from '../protocol/commands';
import { runWords } from './statusText';

const ANNOUNCED_KEY = 'lossLens.announcedInterruptedRuns';
/** Older interruptions (from before this version, or long ago) are in the Runs view, not announced. */
export const ANNOUNCE_WITHIN_MS = 24 * 60 * 60 * 1000;
/** Enough ids to cover every recent interruption; the oldest are forgotten first. */
const MAX_REMEMBERED = 200;

/** The interrupted runs to tell the user about, newest first. */
export function runsToAnnounce(runs: readonly RunRecord[], announced: ReadonlySet<string>, now: number = Date.now()): RunRecord[] {
  return runs.filter((r) => r.state === 'interrupted' && !announced.has(r.id) && now - (r.endedAt ?? r.startedAt) <= ANNOUNCE_WITHIN_MS).sort((a, b) => b.startedAt - a.startedAt);
}

/**
 * Announces the interrupted runs once the runs folders are read back (`loaded`), and then any run
 * read from a folder that turns out interrupted later (a run of the window before, whose process was
 * still ending when this one started, reads as running until it is gone). A run of this window cut
 * off as it closes is not announced here: the next window does.
 */
export function announceInterruptions(context: vscode.ExtensionContext, store: RunStore, loaded: Promise<unknown>): vscode.Disposable {
  let ready = false;
  void loaded.then(
    () => {
      ready = true;
      return announceInterruptedRuns(context, store);
    },
    () => undefined,
  );
  return store.onDidChangeState((run) => {
    if (ready && run.origin === 'folder' && run.state === 'interrupted') void announceInterruptedRuns(context, store);
  });
}

export async function announceInterruptedRuns(context: vscode.ExtensionContext, store: RunStore): Promise<readonly RunRecord[]> {
  const announced = new Set(context.workspaceState.get<string[]>(ANNOUNCED_KEY, []));
  const runs = runsToAnnounce(store.list(), announced);
  if (!runs.length) return runs;
  await context.workspaceState.update(ANNOUNCED_KEY, [...announced, ...runs.map((r) => r.id)].slice(-MAX_REMEMBERED));
  const [newest] = runs as [RunRecord, ...RunRecord[]];
  const others = runs.length > 1 ? ` (and ${runs.length - 1} other run${runs.length > 2 ? 's' : ''}: see the Runs view)` : '';
  // The note says what cut it off (the editor closing or reloading, or its process ending).
  const message = `Loss Lens: "${newest.name}" was ${runWords(newest)}. ${newest.error ? `${newest.error} ` : ''}Its run folder keeps what it measured${others}.`;
  void vscode.window.showWarningMessage(message, 'Train Again', 'Open Dashboard').then((choice) => {
    if (choice === 'Train Again') void vscode.commands.executeCommand(CommandIds.trainAgain, newest.id);
    if (choice === 'Open Dashboard') void vscode.commands.executeCommand(CommandIds.openDashboard, newest.id);
  });
  return runs;
}
