/**
 * The host of the dashboard webview: one panel, reused, with a `WebviewPanelSerializer` so it
 * survives a reload. It sends nothing before the webview's `webview/didBecomeReady` (and re-sends
 * everything after each one: the webview is not retained while hidden), validates every incoming
 * message with `parseWebviewToHost`, and acts only on runs it was shown (by id, never a path).
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { dashboardHtml, makeNonce } from './webviewHtml';
import { DEFAULT_EXPORT_STYLE, DEFAULT_SMOOTHING, parseDashboardState, type ExportStyle, type HostToWebview, type RangeTestSnapshot, type WebviewToHost } from '../protocol/webview';
import { gateDashboardMessage } from './dashboardMessages';
import { PendingRequests, Readiness } from './pendingRequests';
import { log } from './log';
import { toSnapshot, type RunStore } from '../store/runStore';
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

export class DashboardPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly ready = new Readiness();
  private runIds: string[] = [];
  private compare = false;
  private readonly exports = new PendingRequests<readonly ExportedImage[]>('export');
  /** The range test shown (one at a time), and what applying its suggestion does. */
  private rangeTest: { snapshot: RangeTestSnapshot; apply: (retrain: boolean) => Promise<void> } | undefined;

  /**
   * `runsLoaded` settles once past runs are read back: a dashboard restored after a reload asks for
   * runs by id, and they must be in the store before its ids are checked.
   */
  static register(context: vscode.ExtensionContext, store: RunStore, actions: DashboardActions, runsLoaded: Promise<unknown>): DashboardPanel {
    const dashboard = new DashboardPanel(context.extensionUri, store, actions);
    dashboard._register(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await runsLoaded.catch(() => undefined);
          const restored = parseDashboardState(state);
          const ids = restored?.runIds.filter((id) => store.get(id)) ?? [];
          // VS Code for the Web may restore the panel without the state the webview saved (a reload
          // before it was written): show the newest run rather than an empty dashboard.
          const newest = store.list()[0];
          dashboard.attach(panel, ids.length ? ids : newest ? [newest.id] : [], ids.length ? (restored?.compare ?? false) : false);
        },
      }),
    );
    context.subscriptions.push(dashboard);
    return dashboard;
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly actions: DashboardActions,
  ) {
    super();
    // Revised epochs (a log that flushed late) go first: the webview replaces an epoch it has.
    this._register(store.onDidProgress(({ run, steps, epochs, revised, calibration }) => this.postFor(run.id, { type: 'run/didProgress', runId: run.id, steps, epochs: revised ? [...revised, ...epochs] : epochs, ...(calibration ? { calibration } : {}) })));
    this._register(store.onDidFlag(({ run, flag, replacedIndex }) => this.postFor(run.id, { type: 'run/didFlag', runId: run.id, flag, ...(replacedIndex !== undefined ? { index: replacedIndex } : {}) })));
    this._register(
      store.onDidChangeState((run) => {
        this.postFor(run.id, { type: 'run/didChangeState', runId: run.id, state: run.state, ...(run.reason ? { reason: run.reason } : {}), ...(run.error ? { error: run.error } : {}), flags: run.flags, calibration: run.calibration });
        if (run.id === this.runIds[0]) this.updateEndedContext();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLens.chart.smoothing')) this.sendSettings();
      }),
    );
    this._register({ dispose: () => this.disposePanel() });
  }

  /** The runs the dashboard currently shows (for tests and commands). */
  get shownRunIds(): readonly string[] {
    return this.runIds;
  }

  get isReady(): boolean {
    return this.ready.isSet;
  }

  /** The range test the dashboard shows, if any (for tests). */
  get shownRangeTest(): RangeTestSnapshot | undefined {
    return this.rangeTest?.snapshot;
  }

  /**
   * Shows a learning-rate range test beside the runs, opening or revealing the panel; `apply` runs
   * when the user presses its button (the webview names the test by id, never a file).
   */
  showRangeTest(snapshot: RangeTestSnapshot, apply: (retrain: boolean) => Promise<void>): void {
    this.rangeTest = { snapshot, apply };
    if (this.panel) this.panel.reveal(undefined, true);
    else this.attach(newPanel(true), this.runIds, this.compare);
    this.post({ type: 'rangeTest/didUpdate', rangeTest: snapshot });
  }

  /** A new stage or the end of the range test shown; ignored if another one replaced it. */
  updateRangeTest(snapshot: RangeTestSnapshot): void {
    if (!this.rangeTest || this.rangeTest.snapshot.id !== snapshot.id) return;
    this.rangeTest.snapshot = snapshot;
    this.post({ type: 'rangeTest/didUpdate', rangeTest: snapshot });
  }

  /** Shows these runs (the first is the primary one), opening or revealing the panel. */
  show(runIds: readonly string[], compare = runIds.length > 1, preserveFocus = false): void {
    const ids = runIds.filter((id) => this.store.get(id));
    if (this.panel) {
      this.runIds = ids;
      this.compare = compare;
      this.panel.title = this.titleFor();
      this.panel.reveal(undefined, preserveFocus);
      this.sendRuns();
      this.updateEndedContext();
      return;
    }
    this.attach(newPanel(preserveFocus), ids, compare);
  }

  /** Asks the webview for titled PNGs of its charts in `style`; resolves with none if it cannot answer in time. */
  async renderImages(runId: string, style: ExportStyle = DEFAULT_EXPORT_STYLE): Promise<readonly ExportedImage[]> {
    if (!this.panel || !this.runIds.includes(runId)) this.show([runId], false, true);
    const started = Date.now();
    if (!(await this.ready.wait(EXPORT_TIMEOUT_MS))) return [];
    const { requestId, answer } = this.exports.open(Math.max(0, EXPORT_TIMEOUT_MS - (Date.now() - started)));
    this.post({ type: 'export/render', requestId, style });
    return (await answer) ?? [];
  }

  private attach(panel: vscode.WebviewPanel, runIds: string[], compare: boolean): void {
    this.disposePanel();
    this.panel = panel;
    this.runIds = runIds;
    this.compare = compare;
    this.ready.clear();
    this.updateEndedContext();
    const webviewRoot = vscode.Uri.joinPath(this.extensionUri, 'out', 'webview');
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'media');
    // Only the built dashboard assets are reachable from the webview (not media/, not the workspace).
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot] };
    panel.iconPath = vscode.Uri.joinPath(mediaRoot, 'icons', 'loss-lens.svg');
    panel.title = this.titleFor();
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'dashboard.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'dashboard.css')).toString(),
      nonce: makeNonce(),
      title: panel.title,
    });
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready.clear();
          this.runIds = [];
          this.exports.cancelAll();
          this.updateEndedContext();
        }
      }),
      // A hidden webview is torn down; it posts didBecomeReady again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready.clear();
      }),
    );
  }

  /**
   * One message from the webview, untrusted: gated (`gateDashboardMessage`), then acted on. Public so
   * the editor tests can send what a webview would, through the same gate.
   */
  receive(raw: unknown): void {
    const gate = gateDashboardMessage(raw, this.runIds.filter((id) => this.store.get(id)), this.rangeTest?.snapshot.id);
    if (!gate.ok) {
      log()?.warn(`ignored a message from the dashboard: ${gate.reason}`);
      return;
    }
    const { message } = gate;
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

  /** The title bar's "Train Again" shows while the dashboard shows one run that has ended. */
  private updateEndedContext(): void {
    const run = this.runIds[0] ? this.store.get(this.runIds[0]) : undefined;
    const ended = run !== undefined && !(this.compare && this.runIds.length > 1) && run.state !== 'running' && run.origin !== 'log';
    void vscode.commands.executeCommand('setContext', DASHBOARD_ENDED_CONTEXT_KEY, ended);
  }

  private titleFor(): string {
    if (this.runIds.length > 1 && this.compare) return `Loss Lens: compare ${this.runIds.length} runs`;
    const run = this.runIds[0] ? this.store.get(this.runIds[0]) : undefined;
    return run ? `Loss Lens: ${run.name}` : 'Loss Lens';
  }

  private sendRuns(): void {
    const runs = this.runIds.flatMap((id) => {
      const run = this.store.get(id);
      return run ? [toSnapshot(run)] : [];
    });
    this.post({ type: 'runs/didLoad', runs, compare: this.compare });
  }

  private sendSettings(): void {
    const smoothing = vscode.workspace.getConfiguration('lossLens').get<number>('chart.smoothing', DEFAULT_SMOOTHING);
    this.post({ type: 'settings/didChange', smoothing });
  }

  private postFor(runId: string, message: HostToWebview): void {
    if (this.runIds.includes(runId)) this.post(message);
  }

  private post(message: HostToWebview): void {
    if (!this.panel || !this.ready.isSet) return;
    void this.panel.webview.postMessage(message);
  }

  private disposePanel(): void {
    this.panelDisposables.forEach((d) => d.dispose());
    this.panelDisposables = [];
    const panel = this.panel;
    this.panel = undefined;
    panel?.dispose();
  }
}

/** A new dashboard panel beside the editor; `attach` sets its options, HTML and listeners. */
function newPanel(preserveFocus: boolean): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Loss Lens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {});
}
