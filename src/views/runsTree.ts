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
import { type Flag, fixAction, flagHeadline, flagTitle, worstSeverity } from '../model';
import { CommandIds } from '../protocol/commands';
import { bestValidation, flagLine, formatLoss, formatStartTime, runWords } from './statusText';
import { SEVERITY_ICONS } from './severityIcons';
import { runContextValue } from './runContext';
import type { RunsViewFilter } from './runsFilter';

export const RUNS_VIEW_ID = 'lossLens.runs';
/** Tree redraws are heavier than a status item: at most 4 a second. */
const REFRESH_INTERVAL_MS = 250;

type RunNode = { readonly kind: 'run'; readonly run: RunRecord };
export type RunsTreeNode = RunNode | { readonly kind: 'flag'; readonly run: RunRecord; readonly flag: Flag; readonly index: number };

const STATE_ICONS: Readonly<Record<RunRecord['state'], vscode.ThemeIcon>> = {
  running: new vscode.ThemeIcon('loading~spin'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  interrupted: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('testing.iconQueued')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

/**
 * The short description of a run in the list: when it started (runs of one config share a name),
 * its state with how far it got, its best validation loss (named as such: it is not the last one),
 * the last validation accuracy and its flags.
 */
export function runDescription(run: RunRecord, now: number = Date.now()): string {
  const last = run.epochs.at(-1);
  const best = bestValidation(run);
  const parts: string[] = [formatStartTime(run.startedAt, now), runWords(run)];
  if (best) parts.push(`best val loss ${formatLoss(best.loss)}`);
  else if (last) parts.push(`val loss ${formatLoss(last.valLoss)}`);
  if (last && Number.isFinite(last.valAccuracy)) parts.push(`val acc ${(last.valAccuracy * 100).toFixed(1)}%`);
  if (run.flags.length) parts.push(`${run.flags.length} flag${run.flags.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export class RunsTree extends Disposable implements vscode.TreeDataProvider<RunsTreeNode> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<RunsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  /**
   * What changed since the last redraw: the whole list (runs added or removed) or only some runs.
   * A live run's readings redraw only its own row: a redraw of the whole tree makes VS Code fetch
   * every expanded row's children again, and each such row shows a spinning twistie meanwhile.
   */
  private dirtyAll = false;
  private readonly dirtyRuns = new Set<RunRecord>();
  private readonly refresher = this._register(new Throttle(() => this.flush(), REFRESH_INTERVAL_MS));
  /** One node object per run: VS Code finds the row of `onDidChangeTreeData(node)` by identity. */
  private readonly nodes = new Map<string, { readonly node: RunNode; withFlags: boolean }>();
  readonly view: vscode.TreeView<RunsTreeNode>;

  static register(context: vscode.ExtensionContext, store: RunStore, filter?: RunsViewFilter): RunsTree {
    const tree = new RunsTree(store, filter);
    context.subscriptions.push(tree);
    return tree;
  }

  private constructor(
    private readonly store: RunStore,
    /** Which runs the view lists (runsFilter.ts); all when absent. */
    private readonly filter?: RunsViewFilter,
  ) {
    super();
    if (filter) this._register(filter.onDidChange(() => this.invalidate(undefined)));
    this.view = this._register(vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true }));
    this._register(store.onDidChange((run) => this.invalidate(run)));
    this._register(store.onDidProgress(({ run }) => this.invalidate(run)));
    this._register(store.onDidChangeState((run) => this.invalidate(run)));
  }

  /** Schedules a redraw of this run's row, or of the whole list. */
  private invalidate(run: RunRecord | undefined): void {
    const drawn = run && this.nodes.get(run.id);
    // The whole list: many runs at once, a run not drawn yet (or read again into a new record), or
    // a run that gained its first flag, whose row takes a new id (see getTreeItem).
    const rowOnly = run !== undefined && drawn !== undefined && drawn.node.run === run && drawn.withFlags === run.flags.length > 0;
    if (rowOnly) this.dirtyRuns.add(run);
    else this.dirtyAll = true;
    this.refresher.schedule();
  }

  private flush(): void {
    if (this.dirtyAll) this.changeEmitter.fire(undefined);
    else for (const run of this.dirtyRuns) this.changeEmitter.fire(this.nodeOf(run));
    this.dirtyAll = false;
    this.dirtyRuns.clear();
  }

  private nodeOf(run: RunRecord): RunNode {
    const drawn = this.nodes.get(run.id);
    if (drawn && drawn.node.run === run) return drawn.node;
    const node: RunNode = { kind: 'run', run };
    this.nodes.set(run.id, { node, withFlags: run.flags.length > 0 });
    return node;
  }

  /** The runs selected in the view (for Compare / Export from the view's title bar). */
  selectedRuns(): RunRecord[] {
    return [...new Set(this.view.selection.map((n) => n.run))];
  }

  getChildren(node?: RunsTreeNode): RunsTreeNode[] {
    if (!node) {
      const runs = this.store.list();
      const ids = new Set(runs.map((r) => r.id));
      for (const id of this.nodes.keys()) if (!ids.has(id)) this.nodes.delete(id);
      return runs.filter((run) => this.filter?.matches(run) ?? true).map((run) => this.nodeOf(run));
    }
    if (node.kind === 'run') return node.run.flags.map((flag, index) => ({ kind: 'flag', run: node.run, flag, index }));
    return [];
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    return node.kind === 'flag' ? this.nodeOf(node.run) : undefined;
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (node.kind === 'flag') {
      const { flag } = node;
      // The one-line headline the dashboard and the Problems panel show; the full message is the tooltip.
      const item = new vscode.TreeItem(flagHeadline(flag), vscode.TreeItemCollapsibleState.None);
      item.id = `${node.run.id}/flag/${node.index}`;
      item.description = `epoch ${flag.epoch}${flag.fix?.length ? ` · fix: ${fixAction(flag.fix[0]!)}` : ''}`;
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
    const drawn = this.nodes.get(run.id);
    if (drawn) drawn.withFlags = run.flags.length > 0;
    item.description = runDescription(run);
    const worst = worstSeverity(run.flags.map((f) => f.severity));
    item.iconPath = run.state === 'completed' && worst && worst !== 'info' ? new vscode.ThemeIcon(SEVERITY_ICONS[worst].icon, new vscode.ThemeColor(SEVERITY_ICONS[worst].color)) : STATE_ICONS[run.state];
    item.tooltip = runTooltip(run);
    item.contextValue = runContextValue(run);
    item.command = { command: CommandIds.openDashboard, title: 'Open Dashboard', arguments: [run.id] };
    item.accessibilityInformation = { label: `Run ${run.name}: ${runDescription(run)}` };
    return item;
  }
}

function runTooltip(run: RunRecord): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const last = run.epochs.at(-1);
  const best = bestValidation(run);
  md.appendMarkdown(`**${run.name}** — ${runWords(run)}\n\n`);
  md.appendMarkdown(`Started ${new Date(run.startedAt).toLocaleString()}\n\n`);
  if (last) {
    md.appendMarkdown(`Epoch ${last.epoch}${run.epochsPlanned ? ` of ${run.epochsPlanned}` : ''}: loss ${formatLoss(last.trainLoss)} (val ${formatLoss(last.valLoss)}), accuracy ${(last.valAccuracy * 100).toFixed(1)}% on validation\n\n`);
  }
  if (best) md.appendMarkdown(`Best validation loss ${formatLoss(best.loss)}, at epoch ${best.epoch}\n\n`);
  if (run.calibration) md.appendMarkdown(`ECE ${run.calibration.ece.toFixed(3)} · Brier ${run.calibration.brier.toFixed(3)}\n\n`);
  if (run.error) md.appendMarkdown(`${run.state === 'failed' ? 'Error' : 'Note'}: ${run.error}\n\n`);
  md.appendText(run.dir);
  return md;
}
