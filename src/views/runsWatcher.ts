/**
 * Runs written outside this window (`loss-lens train` in a terminal, another window) appear in the
 * sidebar as they start and are followed live until they end (sources/folderSource.ts in follow
 * mode: metrics.jsonl tailed, then the finished folder's own judgment). A new run folder is noticed
 * by a file watcher and, since watchers drop events under load (seen in code-server), by a scan of
 * the runs folders every few seconds. The extension's own live runs are already in the store.
 */
import * as vscode from 'vscode';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Disposable } from '../dispose';
import { DEFAULT_RUNS_FOLDER } from '../runFolder';
import { FolderSource } from '../sources/folderSource';
import { newRunRecord, runIdOf, type RunStore } from '../store/runStore';

/** How often the runs folders are listed for new run folders (a readdir each). */
const SCAN_INTERVAL_MS = 2000;

export class RunsWatcher extends Disposable {
  private watchers: vscode.Disposable[] = [];
  /** Run folders seen (followed, or already in the store when first seen). */
  private readonly seen = new Set<string>();
  private readonly sources = new Set<FolderSource>();
  private scanning = false;
  private firstScan = true;

  static register(context: vscode.ExtensionContext, store: RunStore, runsFolders: () => Promise<readonly string[]>): RunsWatcher {
    const watcher = new RunsWatcher(store, runsFolders);
    context.subscriptions.push(watcher);
    return watcher;
  }

  private constructor(
    private readonly store: RunStore,
    private readonly runsFolders: () => Promise<readonly string[]>,
  ) {
    super();
    this.watch();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLens.runsFolder')) this.watch();
      }),
    );
    const timer = setInterval(() => void this.scan(), SCAN_INTERVAL_MS);
    this._register({ dispose: () => clearInterval(timer) });
    this._register({ dispose: () => this.watchers.forEach((w) => w.dispose()) });
    this._register({ dispose: () => this.sources.forEach((s) => s.dispose()) });
  }

  private watch(): void {
    this.watchers.forEach((w) => w.dispose());
    const patterns: vscode.GlobPattern[] = [`**/${DEFAULT_RUNS_FOLDER}/*`];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const setting = vscode.workspace.getConfiguration('lossLens', folder.uri).get<string>('runsFolder')?.trim();
      if (setting && setting !== DEFAULT_RUNS_FOLDER && !path.isAbsolute(setting)) patterns.push(new vscode.RelativePattern(folder, `${setting}/*`));
    }
    this.watchers = patterns.map((pattern) => {
      const created = vscode.workspace.createFileSystemWatcher(pattern, false, true, true);
      created.onDidCreate((uri) => this.follow(uri.fsPath));
      return created;
    });
  }

  /** Lists the runs folders; a folder not seen before is followed (on the first scan, only those still running). */
  private async scan(): Promise<void> {
    if (this.scanning || !vscode.workspace.isTrusted) return;
    this.scanning = true;
    try {
      for (const folder of new Set(await this.runsFolders())) {
        const names = await readdir(folder).catch(() => [] as string[]);
        for (const name of names) {
          const dir = path.join(folder, name);
          const known = this.store.get(runIdOf(dir));
          if (this.firstScan && known && known.state !== 'running') this.seen.add(dir);
          else this.follow(dir);
        }
      }
    } finally {
      this.firstScan = false;
      this.scanning = false;
    }
  }

  /** A run folder written by another process: into the store, followed while it runs. */
  private follow(dir: string): void {
    if (this.seen.has(dir)) return;
    const known = this.store.get(runIdOf(dir));
    if (known?.origin === 'live') return;
    this.seen.add(dir);
    const source = new FolderSource(dir, { follow: true, predictions: 'header', model: false });
    this.sources.add(source);
    const run = newRunRecord({ dir, origin: 'folder', name: path.basename(dir) });
    this.store.follow(run, {
      start: (sink) =>
        source.start((reading) => {
          // Not a run folder (yet): forget it, so a later scan looks again once metrics.jsonl is there.
          if (reading.type === 'run/didEnd' && reading.end.state === 'failed' && reading.end.failure.badInput) {
            this.seen.delete(dir);
            this.sources.delete(source);
            this.store.remove(run.id);
            return;
          }
          sink(reading);
          if (reading.type === 'run/didEnd') this.sources.delete(source);
        }),
    }, { whenStarted: true });
  }
}
