/**
 * One dashboard webview panel: the runs it was opened for (its tab names them), and the range test
 * of its config if one was run. It sends nothing before the webview's `webview/didBecomeReady` (and
 * re-sends everything after each one: the webview is not retained while hidden), validates every
 * incoming message with `parseWebviewToHost`, and acts only on runs it was shown (by id, never a
 * path). Which panel shows which runs is decided by `Dashboards` (dashboards.ts).
 */
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../dispose';
import { dashboardHtml, makeNonce } from './webviewHtml';
import { DEFAULT_EXPORT_STYLE, DEFAULT_SMOOTHING, type ExportStyle, type HostToWebview, type RangeTestSnapshot, type WebviewToHost } from '../protocol/webview';
import { gateDashboardMessage } from './dashboardMessages';
import { PendingRequests, Readiness } from './pendingRequests';
import { dashboardTitle } from './dashboardIdentity';
import { log } from './log';
import { toSnapshot, type RunRecord, type RunStore } from '../store/runStore';
import { DASHBOARD_ENDED_CONTEXT_KEY } from '../protocol/commands';

export const DASHBOARD_VIEW_TYPE = 'lossLens.dashboard';
/** An export the webview does not answer within this time is written without images. */
const EXPORT_TIMEOUT_MS = 15_000;

export type ExportedImage = Extract<WebviewToHost, { type: 'export/didRender' }>['images'][number];

/** What the dashboard asks the rest of the extension to do. */
export interface DashboardActions {
  applyFix(runId: string, flagIndex: number, fixIndex: number, retrain: boolean): Promise<void>;
  openConfig(runId: string): Promise<void>;
  stop(runId: string): void;
}

/** A range test shown in a dashboard, and what pressing its button does. */
export interface ShownRangeTest {
  snapshot: RangeTestSnapshot;
  readonly apply: (retrain: boolean) => Promise<void>;
}

export class DashboardPanel extends Disposable {
  private readonly ready = new Readiness();
  private readonly exports = new PendingRequests<readonly ExportedImage[]>('export');
  private rangeTest: ShownRangeTest | undefined;
  private readonly disposeEmitter = this._register(new Emitter<void>());
  /** The user closed the panel (or the extension is going away). */
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly actions: DashboardActions,
    /** Which dashboard this is (dashboardIdentity.ts): the config, run or comparison it belongs to. */
    readonly key: string,
    private runIds: readonly string[],
    private compare: boolean,
  ) {
    super();
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'out', 'webview');
    // Only the built dashboard assets are reachable from the webview (not media/, not the workspace).
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'loss-lens.svg');
    panel.title = this.title;
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'dashboard.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'dashboard.css')).toString(),
      nonce: makeNonce(),
      title: panel.title,
    });
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    // A hidden webview is torn down; it posts didBecomeReady again when shown.
    this._register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready.clear();
        if (panel.active) this.updateEndedContext();
      }),
    );
    this._register(panel.onDidDispose(() => this.dispose()));
    this.updateEndedContext(true);
  }

  /** The runs this dashboard shows (the first is the primary one). */
  get shownRunIds(): readonly string[] {
    return this.runIds;
  }

  get isReady(): boolean {
    return this.ready.isSet;
  }

  /** The editor group's active tab (its title bar's commands act on it). */
  get isActive(): boolean {
    return !this.isDisposed && this.panel.active;
  }

  /** Closed by the user (or disposed with the extension). */
  get closed(): boolean {
    return this.isDisposed;
  }

  /** The range test this dashboard shows, if any. */
  get shownRangeTest(): RangeTestSnapshot | undefined {
    return this.rangeTest?.snapshot;
  }

  /** What its tab says: the run it shows (name and start time), the runs it compares, or its range test. */
  get title(): string {
    const runs = this.runIds.flatMap((id) => this.store.get(id) ?? []);
    return dashboardTitle(runs, this.compare, this.rangeTest?.snapshot.name);
  }

  /** Shows these runs here, revealing the panel. */
  show(runIds: readonly string[], compare: boolean, preserveFocus: boolean): void {
    this.runIds = runIds.filter((id) => this.store.get(id));
    this.compare = compare;
    this.panel.title = this.title;
    this.panel.reveal(undefined, preserveFocus);
    this.sendRuns();
    this.updateEndedContext(true);
  }

  /** Shows a learning-rate range test here (the webview names it by id, never a file). */
  showRangeTest(shown: ShownRangeTest, preserveFocus = true): void {
    this.rangeTest = shown;
    this.panel.title = this.title;
    this.panel.reveal(undefined, preserveFocus);
    this.post({ type: 'rangeTest/didUpdate', rangeTest: shown.snapshot });
  }

  /** A new stage or the end of the range test shown; false when this dashboard shows another one. */
  updateRangeTest(snapshot: RangeTestSnapshot): boolean {
    if (!this.rangeTest || this.rangeTest.snapshot.id !== snapshot.id) return false;
    this.rangeTest.snapshot = snapshot;
    this.post({ type: 'rangeTest/didUpdate', rangeTest: snapshot });
    return true;
  }

  /** Asks the webview for titled PNGs of its charts in `style`; resolves with none if it cannot answer in time. */
  async renderImages(style: ExportStyle = DEFAULT_EXPORT_STYLE): Promise<readonly ExportedImage[]> {
    const started = Date.now();
    if (!(await this.ready.wait(EXPORT_TIMEOUT_MS))) return [];
    const { requestId, answer } = this.exports.open(Math.max(0, EXPORT_TIMEOUT_MS - (Date.now() - started)));
    this.post({ type: 'export/render', requestId, style });
    return (await answer) ?? [];
  }

  /**
   * One message from the webview, untrusted: gated (`gateDashboardMessage`), then acted on. Public so
   * the editor tests can send what a webview would, through the same gate.
   */
  receive(raw: unknown): void {
    const gate = gateDashboardMessage(raw, this.runIds.filter((id) => this.store.get(id)), this.rangeTest?.snapshot.id);
    if (!gate.ok) {
      log()?.warn(`ignored a message from the dashboard "${this.panel.title}": ${gate.reason}`);
      return;
    }
    this.act(gate.message);
  }

  private act(message: WebviewToHost): void {
    switch (message.type) {
      case 'webview/didBecomeReady':
        this.ready.set();
        this.sendSettings();
        this.sendRuns();
        if (this.rangeTest) this.post({ type: 'rangeTest/didUpdate', rangeTest: this.rangeTest.snapshot });
        return;
      case 'fix/apply':
        void this.actions.applyFix(message.runId, message.flagIndex, message.fixIndex, message.retrain);
        return;
      case 'config/open':
        void this.actions.openConfig(message.runId);
        return;
      case 'run/stop':
        this.actions.stop(message.runId);
        return;
      case 'rangeTest/apply': {
        const shown = this.rangeTest;
        if (!shown || shown.snapshot.suggested === null || shown.snapshot.state !== 'completed') {
          log()?.warn(`ignored a message from the dashboard: range test ${message.id} has no suggestion to apply`);
          return;
        }
        void shown.apply(message.retrain);
        return;
      }
      case 'rangeTest/close':
        this.rangeTest = undefined;
        this.panel.title = this.title;
        this.post({ type: 'rangeTest/didUpdate', rangeTest: null });
        return;
      case 'export/didRender':
        this.exports.settle(message.requestId, message.images);
        return;
      default: {
        const unknown: never = message;
        log()?.warn(`unhandled dashboard message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** A run's news, if this dashboard shows that run. */
  postFor(run: RunRecord, message: HostToWebview): void {
    if (!this.runIds.includes(run.id)) return;
    this.post(message);
    // A run's name or start time may arrive with its first readings.
    if (message.type === 'run/didChangeState' || this.panel.title !== this.title) this.panel.title = this.title;
    if (message.type === 'run/didChangeState' && run.id === this.runIds[0]) this.updateEndedContext();
  }

  sendSettings(): void {
    const smoothing = vscode.workspace.getConfiguration('lossLens').get<number>('chart.smoothing', DEFAULT_SMOOTHING);
    this.post({ type: 'settings/didChange', smoothing });
  }

  private sendRuns(): void {
    const runs = this.runIds.flatMap((id) => {
      const run = this.store.get(id);
      return run ? [toSnapshot(run)] : [];
    });
    this.post({ type: 'runs/didLoad', runs, compare: this.compare });
  }

  /**
   * The title bar's "Train Again" shows while the active dashboard shows one run that has ended. The
   * context key is global: only the active dashboard, or one being shown (`shown`), sets it.
   */
  private updateEndedContext(shown = false): void {
    if (this.isDisposed || !(shown || this.panel.active)) return;
    const run = this.runIds[0] ? this.store.get(this.runIds[0]) : undefined;
    const ended = run !== undefined && !(this.compare && this.runIds.length > 1) && run.state !== 'running' && run.origin !== 'log';
    void vscode.commands.executeCommand('setContext', DASHBOARD_ENDED_CONTEXT_KEY, ended);
  }

  private post(message: HostToWebview): void {
    if (this.isDisposed || !this.ready.isSet) return;
    void this.panel.webview.postMessage(message);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.ready.clear();
    this.exports.cancelAll();
    // Another dashboard that becomes active sets it again.
    void vscode.commands.executeCommand('setContext', DASHBOARD_ENDED_CONTEXT_KEY, false);
    this.disposeEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }
}
