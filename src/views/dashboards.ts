/**
 * Every open dashboard: one per config (its runs and its range test), one per run without a known
 * config, one per comparison across configs (dashboardIdentity.ts). Showing runs opens or reuses
 * the dashboard they belong in, so a dashboard never switches to another config's run. The
 * `WebviewPanelSerializer` restores each after a reload with the runs it showed; the store's news
 * goes to every dashboard that shows the run.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { parseDashboardState, type ExportStyle, type HostToWebview, type RangeTestSnapshot } from '../protocol/webview';
import type { RunRecord, RunStore } from '../store/runStore';
import { configKey, dashboardKeyOf } from './dashboardIdentity';
import { DASHBOARD_VIEW_TYPE, DashboardPanel, type DashboardActions, type ExportedImage } from './dashboardPanel';

export class Dashboards extends Disposable {
  private readonly panels: DashboardPanel[] = [];
  private last: DashboardPanel | undefined;
  private restoredCount = 0;

  /**
   * `runsLoaded` settles once past runs are read back: a dashboard restored after a reload asks for
   * runs by id, and they must be in the store before its ids are checked.
   */
  static register(context: vscode.ExtensionContext, store: RunStore, actions: DashboardActions, runsLoaded: Promise<unknown>): Dashboards {
    const dashboards = new Dashboards(context.extensionUri, store, actions);
    dashboards._register(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await runsLoaded.catch(() => undefined);
          const restored = parseDashboardState(state);
          const kept = restored?.runIds.filter((id) => store.get(id)) ?? [];
          // VS Code for the Web may restore the panel without the state the webview saved (a reload
          // before it was written): show the newest run rather than an empty dashboard.
          const newest = store.list()[0];
          const ids = kept.length ? kept : newest ? [newest.id] : [];
          const runs = ids.map((id) => store.get(id)!);
          // A dashboard whose runs are gone, or whose key another one holds, keeps a key of its own,
          // so nothing is shown in it by mistake.
          const owned = runs.length ? dashboardKeyOf(runs) : undefined;
          const key = owned && !dashboards.byKey(owned) ? owned : `restored:${++dashboards.restoredCount}`;
          dashboards.adopt(new DashboardPanel(panel, context.extensionUri, store, actions, key, ids, kept.length ? (restored?.compare ?? false) : false));
        },
      }),
    );
    context.subscriptions.push(dashboards);
    return dashboards;
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly actions: DashboardActions,
  ) {
    super();
    // Revised epochs (a log that flushed late) go first: the webview replaces an epoch it has.
    this._register(
      store.onDidProgress(({ run, steps, epochs, revised, calibration, scalars }) =>
        this.postFor(run, { type: 'run/didProgress', runId: run.id, steps, epochs: revised ? [...revised, ...epochs] : epochs, ...(calibration ? { calibration } : {}), ...(scalars ? { scalars } : {}) }),
      ),
    );
    this._register(store.onDidFlag(({ run, flag, replacedIndex }) => this.postFor(run, { type: 'run/didFlag', runId: run.id, flag, ...(replacedIndex !== undefined ? { index: replacedIndex } : {}) })));
    this._register(
      store.onDidChangeState((run) =>
        this.postFor(run, {
          type: 'run/didChangeState',
          runId: run.id,
          state: run.state,
          ...(run.reason ? { reason: run.reason } : {}),
          ...(run.error ? { error: run.error } : {}),
          flags: run.flags,
          calibration: run.calibration,
          ...(run.eceByEpoch.length ? { eceByEpoch: run.eceByEpoch } : {}),
        }),
      ),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLens.chart.smoothing')) for (const p of this.panels) p.sendSettings();
      }),
    );
    this._register({ dispose: () => [...this.panels].forEach((p) => p.dispose()) });
  }

  /** Every open dashboard, oldest first. */
  get all(): readonly DashboardPanel[] {
    return this.panels;
  }

  /** The dashboard shown or updated last (for commands that mean "the dashboard"). */
  get latest(): DashboardPanel | undefined {
    return this.last;
  }

  /** The active dashboard tab (whose title bar was clicked), else the one shown last. */
  get active(): DashboardPanel | undefined {
    return this.panels.find((p) => p.isActive) ?? this.last;
  }

  /** The dashboard showing this run: the one where it is the primary run, else any that shows it. */
  forRun(runId: string): DashboardPanel | undefined {
    return this.panels.find((p) => p.shownRunIds[0] === runId) ?? this.panels.find((p) => p.shownRunIds.includes(runId));
  }

  /** The dashboard of a config file, if one is open. */
  forConfig(configPath: string): DashboardPanel | undefined {
    return this.byKey(configKey(configPath));
  }

  /** Shows these runs (the first is the primary one) in the dashboard they belong in, opening it if needed. */
  show(runIds: readonly string[], compare = runIds.length > 1, preserveFocus = false): DashboardPanel | undefined {
    const runs = runIds.flatMap((id) => this.store.get(id) ?? []);
    if (!runs.length) return undefined;
    const key = dashboardKeyOf(runs);
    const ids = runs.map((r) => r.id);
    const existing = this.byKey(key);
    if (existing) existing.show(ids, compare, preserveFocus);
    this.last = existing ?? this.adopt(new DashboardPanel(newPanel(preserveFocus), this.extensionUri, this.store, this.actions, key, ids, compare));
    return this.last;
  }

  /** Shows a config's learning-rate range test in that config's dashboard, opening it if needed. */
  showRangeTest(configPath: string, snapshot: RangeTestSnapshot, apply: (retrain: boolean) => Promise<void>): DashboardPanel {
    const key = configKey(configPath);
    const panel = this.byKey(key) ?? this.adopt(new DashboardPanel(newPanel(true), this.extensionUri, this.store, this.actions, key, [], false));
    panel.showRangeTest({ snapshot, apply });
    this.last = panel;
    return panel;
  }

  /** A new stage or the end of a range test, to the dashboard that shows it (none if it was closed). */
  updateRangeTest(snapshot: RangeTestSnapshot): void {
    for (const p of this.panels) p.updateRangeTest(snapshot);
  }

  /** Titled PNGs of a run's charts in `style`, from the dashboard that shows it alone (opened in the background if none does). */
  async renderImages(runId: string, style?: ExportStyle): Promise<readonly ExportedImage[]> {
    const panel = this.panels.find((p) => p.shownRunIds.length === 1 && p.shownRunIds[0] === runId) ?? this.show([runId], false, true);
    return panel ? panel.renderImages(style) : [];
  }

  /** The dashboard of this key (dashboardIdentity.ts), if open. */
  byKey(key: string): DashboardPanel | undefined {
    return this.panels.find((p) => p.key === key);
  }

  private adopt(panel: DashboardPanel): DashboardPanel {
    this.panels.push(panel);
    panel.onDidDispose(() => {
      const at = this.panels.indexOf(panel);
      if (at >= 0) this.panels.splice(at, 1);
      if (this.last === panel) this.last = this.panels[this.panels.length - 1];
    });
    return panel;
  }

  private postFor(run: RunRecord, message: HostToWebview): void {
    for (const p of this.panels) p.postFor(run, message);
  }
}

/** A new dashboard panel beside the editor; `DashboardPanel` sets its options, HTML and listeners. */
function newPanel(preserveFocus: boolean): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Loss Lens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {});
}
