/**
 * Runs finished outside this window — `loss-lens train` in a terminal, another window — appear in
 * the sidebar without a manual refresh: a run folder is complete once its diagnostics.json is
 * written, so that file's creation triggers a (throttled) reload. The extension's own live runs
 * are already in the store and are skipped.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { Disposable } from '../dispose';
import { Throttle } from '../jobs/readingBatcher';
import { runIdOf, type RunStore } from '../jobs/runStore';
import { DEFAULT_RUNS_FOLDER } from '../jobs/runFolders';

/** Several runs finishing together reload once. */
const RELOAD_INTERVAL_MS = 1000;

export class RunsWatcher extends Disposable {
  private readonly reloader: Throttle;
  private watchers: vscode.Disposable[] = [];

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
  }

  private watch(): void {
    this.watchers.forEach((w) => w.dispose());
    const patterns: vscode.GlobPattern[] = [`**/${DEFAULT_RUNS_FOLDER}/*/diagnostics.json`];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const setting = vscode.workspace.getConfiguration('lossLens', folder.uri).get<string>('runsFolder')?.trim();
      if (setting && setting !== DEFAULT_RUNS_FOLDER && !path.isAbsolute(setting)) patterns.push(new vscode.RelativePattern(folder, `${setting}/*/diagnostics.json`));
    }
    this.watchers = patterns.map((pattern) => {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern, false, true, true);
      watcher.onDidCreate((uri) => {
        const run = this.store.get(runIdOf(path.dirname(uri.fsPath)));
        if (run?.origin !== 'live') this.reloader.schedule();
      });
      return watcher;
    });
  }
}
