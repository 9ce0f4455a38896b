/**
 * Runs finished outside this window — `loss-lens train` in a terminal, another window — appear in
 * the sidebar without a manual refresh: a run folder is complete once its diagnostics.json is
 * written, so that file's creation (or, when a watcher drops that event, a poll of each new run
 * folder) triggers a (throttled) reload. The extension's own live runs are already in the store and
 * are skipped.
 */
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Disposable } from '../dispose';
import { Throttle } from './throttle';
import { runIdOf, type RunStore } from '../store/runStore';
import { DEFAULT_RUNS_FOLDER } from '../runFolder';

/** Several runs finishing together reload once. */
const RELOAD_INTERVAL_MS = 1000;
/**
 * A file watcher may report a new run folder and coalesce the files written into it soon after
 * (seen under load in code-server: the diagnostics.json event never came), so a new folder is also
 * polled for its diagnostics.json, cheaply (one stat a second), until the run completes.
 */
const COMPLETION_POLL_MS = 1000;
const COMPLETION_POLL_LIMIT_MS = 6 * 60 * 60 * 1000;

export class RunsWatcher extends Disposable {
  private readonly reloader: Throttle;
  private watchers: vscode.Disposable[] = [];
  private readonly polls = new Map<string, ReturnType<typeof setInterval>>();

  static register(context: vscode.ExtensionContext, store: RunStore, reload: () => Promise<void>): RunsWatcher {
    const watcher = new RunsWatcher(store, reload);
    context.subscriptions.push(watcher);
    return watcher;
  }

  private constructor(
    private readonly store: RunStore,
    reload: () => Promise<void>,
  ) {
    super();
    this.reloader = this._register(new Throttle(() => void reload(), RELOAD_INTERVAL_MS));
    this.watch();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLens.runsFolder')) this.watch();
      }),
    );
    this._register({ dispose: () => this.watchers.forEach((w) => w.dispose()) });
    this._register({ dispose: () => this.polls.forEach((timer) => clearInterval(timer)) });
  }

  private watch(): void {
    this.watchers.forEach((w) => w.dispose());
    const runsFolders: ((tail: string) => vscode.GlobPattern)[] = [(tail) => `**/${DEFAULT_RUNS_FOLDER}/${tail}`];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const setting = vscode.workspace.getConfiguration('lossLens', folder.uri).get<string>('runsFolder')?.trim();
      if (setting && setting !== DEFAULT_RUNS_FOLDER && !path.isAbsolute(setting)) runsFolders.push((tail) => new vscode.RelativePattern(folder, `${setting}/${tail}`));
    }
    this.watchers = runsFolders.flatMap((under) => {
      const completed = vscode.workspace.createFileSystemWatcher(under('*/diagnostics.json'), false, true, true);
      completed.onDidCreate((uri) => this.runCompleted(path.dirname(uri.fsPath)));
      const created = vscode.workspace.createFileSystemWatcher(under('*'), false, true, true);
      created.onDidCreate((uri) => this.pollUntilComplete(uri.fsPath));
      return [completed, created];
    });
  }

  private runCompleted(runDir: string): void {
    const poll = this.polls.get(runDir);
    if (poll !== undefined) clearInterval(poll);
    this.polls.delete(runDir);
    if (this.store.get(runIdOf(runDir))?.origin !== 'live') this.reloader.schedule();
  }

  private pollUntilComplete(runDir: string): void {
    if (this.polls.has(runDir) || this.store.get(runIdOf(runDir))?.origin === 'live') return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > COMPLETION_POLL_LIMIT_MS) return this.stopPolling(runDir);
      stat(path.join(runDir, 'diagnostics.json')).then(
        () => this.runCompleted(runDir),
        () => stat(runDir).catch(() => this.stopPolling(runDir)), // the folder is gone: nothing to wait for
      );
    }, COMPLETION_POLL_MS);
    this.polls.set(runDir, timer);
  }

  private stopPolling(runDir: string): void {
    clearInterval(this.polls.get(runDir));
    this.polls.delete(runDir);
  }
}
