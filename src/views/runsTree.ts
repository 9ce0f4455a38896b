/**
 * The sidebar's Runs view: live and past runs with their state and key figures, their flags as
 * children with severity icons. A native TreeView rather than a webview view: it gets the editor's
 * keyboard navigation, screen-reader support, theming and multi-select (`canSelectMany`, so
 * comparing runs is a multi-select away) for free, and costs no webview process.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { Throttle } from './throttle';
import type { RunRecord, RunStore } from '../store/runStore';
import { type Flag, flagTitle, worstSeverity } from '../model';
import { CommandIds } from '../protocol/commands';
import { flagLine, formatLoss, runStateLabel } from './statusText';
import { SEVERITY_ICONS } from './severityIcons';

export const RUNS_VIEW_ID = 'lossLens.runs';
/** Tree redraws are heavier than a status item: at most 4 a second. */
const REFRESH_INTERVAL_MS = 250;

export type RunsTreeNode = { readonly kind: 'run'; readonly run: RunRecord } | { readonly kind: 'flag'; readonly run: RunRecord; readonly flag: Flag; readonly index: number };

const STATE_ICONS: Readonly<Record<RunRecord['state'], vscode.ThemeIcon>> = {
  running: new vscode.ThemeIcon('loading~spin'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  interrupted: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('testing.iconQueued')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

/** The short description of a run in the list: state, progress and its key figure. */
export function runDescription(run: RunRecord): string {
  const last = run.epochs.at(-1);
  const bestVal = run.epochs.reduce((m, e) => (Number.isFinite(e.valLoss) ? Math.min(m, e.valLoss) : m), Infinity);
  const parts: string[] = [runStateLabel(run)];
  if (run.state === 'running' && last) parts.push(`${last.epoch}/${run.epochsPlanned}`);
  if (last) parts.push(`val ${formatLoss(Number.isFinite(bestVal) ? bestVal : last.valLoss)}`);
  if (last && Number.isFinite(last.valAccuracy)) parts.push(`acc ${(last.valAccuracy * 100).toFixed(1)}%`);
  if (run.flags.length) parts.push(`${run.flags.length} flag${run.flags.length > 1 ? 's' : ''}`);
  return parts.join(' · ');
}

export class RunsTree extends Disposable implements vscode.TreeDataProvider<RunsTreeNode> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<RunsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly refresher = this._register(new Throttle(() => this.changeEmitter.fire(undefined), REFRESH_INTERVAL_MS));
  readonly view: vscode.TreeView<RunsTreeNode>;

  static register(context: vscode.ExtensionContext, store: RunStore): RunsTree {
    const tree = new RunsTree(store);
    context.subscriptions.push(tree);
    return tree;
  }

  private constructor(private readonly store: RunStore) {
    super();
    this.view = this._register(vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true }));
    this._register(store.onDidChange(() => this.refresher.schedule()));
    this._register(store.onDidProgress(() => this.refresher.schedule()));
    this._register(store.onDidChangeState(() => this.refresher.schedule()));
  }

  /** The runs selected in the view (for Compare / Export from the view's title bar). */
  selectedRuns(): RunRecord[] {
    return [...new Set(this.view.selection.map((n) => n.run))];
  }

  getChildren(node?: RunsTreeNode): RunsTreeNode[] {
    if (!node) return this.store.list().map((run) => ({ kind: 'run', run }));
    if (node.kind === 'run') return node.run.flags.map((flag, index) => ({ kind: 'flag', run: node.run, flag, index }));
    return [];
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    return node.kind === 'flag' ? { kind: 'run', run: node.run } : undefined;
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (node.kind === 'flag') {
      const { flag } = node;
      const item = new vscode.TreeItem(flagTitle(flag.kind), vscode.TreeItemCollapsibleState.None);
      item.id = `${node.run.id}/flag/${node.index}`;
      item.description = `epoch ${flag.epoch}${flag.fix?.length ? ` · fix: ${flag.fix[0]!.title}` : ''}`;
      const icon = SEVERITY_ICONS[flag.severity];
      item.iconPath = new vscode.ThemeIcon(icon.icon, new vscode.ThemeColor(icon.color));
      item.tooltip = new vscode.MarkdownString().appendText(`${flagLine(flagTitle(flag.kind), flag)} (${flag.severity})`);
      item.contextValue = 'lossLens.flag';
      item.command = { command: CommandIds.openDashboard, title: 'Open Dashboard', arguments: [node.run.id] };
      item.accessibilityInformation = { label: `${flag.severity} flag ${flagTitle(flag.kind)} at epoch ${flag.epoch}: ${flag.message}` };
      return item;
    }
    const { run } = node;
    const item = new vscode.TreeItem(run.name, run.flags.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // VS Code keeps an item's collapsed state by id, so a row first drawn without flags (a leaf)
    // would stay collapsed when its first flag arrives; a new id when it gains children lets
    // `Expanded` take effect and the flags show without a click.
    item.id = run.flags.length ? `${run.id}#flags` : run.id;
    item.description = runDescription(run);
    const worst = worstSeverity(run.flags.map((f) => f.severity));
    item.iconPath = run.state === 'completed' && worst && worst !== 'info' ? new vscode.ThemeIcon(SEVERITY_ICONS[worst].icon, new vscode.ThemeColor(SEVERITY_ICONS[worst].color)) : STATE_ICONS[run.state];
    item.tooltip = runTooltip(run);
    item.contextValue = `lossLens.run.${run.state}`;
    item.command = { command: CommandIds.openDashboard, title: 'Open Dashboard', arguments: [run.id] };
    item.accessibilityInformation = { label: `Run ${run.name}: ${runDescription(run)}` };
    return item;
  }
}

function runTooltip(run: RunRecord): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const last = run.epochs.at(-1);
  md.appendMarkdown(`**${run.name}** — ${runStateLabel(run)}\n\n`);
  md.appendMarkdown(`Started ${new Date(run.startedAt).toLocaleString()}\n\n`);
  if (last) {
    md.appendMarkdown(`Epoch ${last.epoch}/${run.epochsPlanned}: loss ${formatLoss(last.trainLoss)} (val ${formatLoss(last.valLoss)}), accuracy ${(last.valAccuracy * 100).toFixed(1)}% on validation\n\n`);
  }
  if (run.calibration) md.appendMarkdown(`ECE ${run.calibration.ece.toFixed(3)} · Brier ${run.calibration.brier.toFixed(3)}\n\n`);
  if (run.error) md.appendMarkdown(`Error: ${run.error}\n\n`);
  md.appendText(run.dir);
  return md;
}
