/**
 * The sidebar's Configs view: every `*.losslens.json` in the workspace, each with a Train action.
 * A native TreeView (see runsTree.ts for why).
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { Disposable } from '../dispose';
import { Throttle } from './throttle';
import type { RunStore } from '../store/runStore';
import { CONFIG_FILE_SUFFIX } from '../config/defaults';
import { runWords } from './statusText';

export const CONFIGS_VIEW_ID = 'lossLens.configs';
export const CONFIG_GLOB = `**/*${CONFIG_FILE_SUFFIX}`;
/** Dependencies and run folders never hold the user's configs (run folders hold config.json). */
export const CONFIG_EXCLUDE = '**/{node_modules,.git,.losslens}/**';

export class ConfigsTree extends Disposable implements vscode.TreeDataProvider<vscode.Uri> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<vscode.Uri | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly refresher = this._register(new Throttle(() => this.changeEmitter.fire(undefined), 500));
  private configs: vscode.Uri[] | undefined;

  static register(context: vscode.ExtensionContext, store: RunStore): ConfigsTree {
    const tree = new ConfigsTree(store);
    tree._register(vscode.window.createTreeView(CONFIGS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false }));
    context.subscriptions.push(tree);
    return tree;
  }

  private constructor(private readonly store: RunStore) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(CONFIG_GLOB));
    const invalidate = (): void => this.refresh();
    this._register(watcher.onDidCreate(invalidate));
    this._register(watcher.onDidDelete(invalidate));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(invalidate));
    // The description shows the latest run's state.
    this._register(store.onDidChangeState(() => this.refresher.schedule()));
    // Runs read back from the runs folders (after a reload) carry their config: "last run" returns.
    this._register(store.onDidChange(() => this.refresher.schedule()));
  }

  refresh(): void {
    this.configs = undefined;
    this.refresher.schedule();
  }

  /** Every config in the workspace, sorted by path. */
  async list(): Promise<vscode.Uri[]> {
    this.configs ??= (await vscode.workspace.findFiles(CONFIG_GLOB, CONFIG_EXCLUDE, 1000)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    return this.configs;
  }

  async getChildren(node?: vscode.Uri): Promise<vscode.Uri[]> {
    if (node) return [];
    return this.list();
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
    item.label = path.basename(uri.fsPath).slice(0, -CONFIG_FILE_SUFFIX.length);
    const rel = vscode.workspace.asRelativePath(path.dirname(uri.fsPath), true);
    const latest = this.store.list().find((r) => r.configPath && path.resolve(r.configPath) === path.resolve(uri.fsPath));
    item.description = [rel === path.dirname(uri.fsPath) ? undefined : rel, latest ? `last run ${runWords(latest)}` : undefined].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('settings-gear');
    item.contextValue = 'lossLens.config';
    item.command = { command: 'vscode.open', title: 'Open Config', arguments: [uri] };
    item.tooltip = `${uri.fsPath}\nTrain it with the ▷ action.`;
    return item;
  }
}
