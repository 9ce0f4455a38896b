/**
 * The status-bar loss readout: while a run trains, its epoch and training/validation loss with a
 * trend arrow; the warning or error background once a flag of that severity is raised; a tooltip
 * with the details; a click opens the dashboard. After the run it keeps the final state for
 * `lossLens.statusBar.lingerSeconds`, then hides: it says nothing when there is nothing to say.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { Throttle } from './throttle';
import type { RunRecord, RunStore } from '../store/runStore';
import { flagTitle, worstSeverity } from '../model';
import { CommandIds } from '../protocol/commands';
import { bestValidation, flagLine, formatLoss, runWords, statusBackground, statusText } from './statusText';

/** The readout redraws at most 10 times a second: the eye reads a number no faster. */
const REDRAW_INTERVAL_MS = 100;
const DEFAULT_LINGER_SECONDS = 30;
/**
 * The readout follows the run whose epochs or flags came last; a run that had news this recently
 * keeps it, so two runs updating together do not make it flicker.
 */
const HOLD_MS = 2_000;
/** A run the readout may speak about: trained here, or followed from another trainer's log. */
const isWatched = (r: RunRecord): boolean => r.origin === 'live' || r.followed;

export class LossStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('lossLens.status', vscode.StatusBarAlignment.Left, 50));
  private readonly redraw = this._register(new Throttle(() => this.render(), REDRAW_INTERVAL_MS));
  /** The run the item speaks about: the running one updated last (HOLD_MS), else the last one that ended. */
  private shown: RunRecord | undefined;
  /** When the shown run last had news (epochs or a flag). */
  private shownNewsAt = 0;
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  static register(context: vscode.ExtensionContext, store: RunStore): LossStatusBar {
    const bar = new LossStatusBar(store);
    context.subscriptions.push(bar);
    return bar;
  }

  private constructor(private readonly store: RunStore) {
    super();
    this.item.name = 'Loss Lens';
    this._register(store.onDidProgress(({ run, epochs, revised }) => this.follow(run, epochs.length > 0 || revised !== undefined)));
    this._register(store.onDidFlag(({ run }) => this.follow(run, true)));
    this._register(store.onDidChange((run) => run?.state === 'running' && run.origin === 'live' && this.follow(run, false)));
    this._register(store.onDidChangeState((run) => this.onEnded(run)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLens.statusBar')) this.render();
      }),
    );
    this._register({ dispose: () => clearTimeout(this.hideTimer) });
  }

  /** The item's current text (for tests and the benchmark; empty when hidden). */
  get text(): string {
    return this.visible ? this.item.text : '';
  }

  private visible = false;

  private follow(run: RunRecord, news: boolean): void {
    if (run.state !== 'running') return;
    if (this.shown !== run && this.shown?.state === 'running') {
      // Another running run has the readout: it changes hands on news, once the shown run's is old.
      if (!news || Date.now() - this.shownNewsAt < HOLD_MS) return;
    }
    this.shown = run;
    if (news) this.shownNewsAt = Date.now();
    clearTimeout(this.hideTimer);
    this.redraw.schedule();
  }

  private onEnded(run: RunRecord): void {
    // Another run's end changes only the count of other runs.
    if (this.shown && this.shown !== run && this.shown.state === 'running') return this.render();
    const otherLive = this.store.live().find((r) => r !== run && isWatched(r));
    if (otherLive) {
      this.shown = otherLive;
    } else {
      this.shown = run;
      clearTimeout(this.hideTimer);
      const linger = vscode.workspace.getConfiguration('lossLens').get<number>('statusBar.lingerSeconds', DEFAULT_LINGER_SECONDS);
      this.hideTimer = setTimeout(() => {
        if (this.shown === run) this.shown = undefined;
        this.render();
      }, linger * 1000);
    }
    this.render();
  }

  private render(): void {
    const run = this.shown;
    const enabled = vscode.workspace.getConfiguration('lossLens').get<boolean>('statusBar.enabled', true);
    if (!run || !enabled) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const worst = worstSeverity(run.flags.map((f) => f.severity));
    const otherLive = this.store.live().filter((r) => r !== run && isWatched(r)).length;
    this.item.text = statusText({ name: run.name, state: run.state, epochsPlanned: run.epochsPlanned, epochs: run.epochs, worstSeverity: worst, otherLive });
    const background = statusBackground(worst, run.state);
    this.item.backgroundColor = background ? new vscode.ThemeColor(`statusBarItem.${background}Background`) : undefined;
    this.item.tooltip = tooltipOf(run);
    this.item.command = { command: CommandIds.openDashboard, title: 'Open Dashboard', arguments: [run.id] };
    this.item.accessibilityInformation = { label: accessibleLabel(run), role: 'button' };
    this.item.show();
    this.visible = true;
  }
}

function accessibleLabel(run: RunRecord): string {
  const last = run.epochs.at(-1);
  const flags = run.flags.length ? `, ${run.flags.length} flag${run.flags.length > 1 ? 's' : ''}` : '';
  if (!last) return `Loss Lens: ${run.name} ${run.state}${flags}`;
  return `Loss Lens: ${run.name} ${run.state}, epoch ${last.epoch} of ${run.epochsPlanned}, training loss ${formatLoss(last.trainLoss)}, validation loss ${formatLoss(last.valLoss)}${flags}. Open the dashboard.`;
}

function tooltipOf(run: RunRecord): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  const last = run.epochs.at(-1);
  const best = bestValidation(run);
  md.appendMarkdown(`**Loss Lens: ${escape(run.name)}** — ${runWords(run)}\n\n`);
  if (last) {
    md.appendMarkdown(`| | train | validation |\n|---|---:|---:|\n`);
    md.appendMarkdown(`| loss | ${formatLoss(last.trainLoss)} | ${formatLoss(last.valLoss)} |\n`);
    md.appendMarkdown(`| accuracy | ${pct(last.trainAccuracy)} | ${pct(last.valAccuracy)} |\n\n`);
    md.appendMarkdown(`Epoch ${last.epoch} of ${run.epochsPlanned}`);
    if (best) md.appendMarkdown(` · best validation loss ${formatLoss(best.loss)} at epoch ${best.epoch}`);
    md.appendMarkdown(` · learning rate ${last.learningRate.toPrecision(3)}\n\n`);
  }
  if (run.error) md.appendMarkdown(`$(error) ${escape(run.error)}\n\n`);
  for (const flag of run.flags) md.appendMarkdown(`$(${flag.severity}) ${escape(flagLine(flagTitle(flag.kind), flag))}\n\n`);
  md.appendMarkdown('_Click to open the dashboard._');
  return md;
}

const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');
const escape = (s: string): string => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
