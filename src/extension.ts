/**
 * Loss Lens's entry point. `activate` only wires the pieces together; each piece registers its own
 * disposables (`register(context)`), so deactivation disposes everything, live workers included.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { RunStore } from './store/runStore';
import { RunController } from './store/runController';
import { FollowController } from './store/followController';
import { loadRunFolders } from './store/pastRuns';
import { resolveRunsFolder, DEFAULT_RUNS_FOLDER } from './runFolder';
import { ConfigDiagnostics } from './editor/configDiagnostics';
import { ConfigCodeActions } from './editor/configCodeActions';
import { linkRunFlagsToConfigs } from './editor/runFlagsOnConfigs';
import { RunsTree } from './views/runsTree';
import { ConfigsTree } from './views/configsTree';
import { ExamplesTree } from './views/examplesTree';
import { LossStatusBar } from './views/statusBar';
import { Dashboards } from './views/dashboards';
import { trackRunningContext } from './views/runningContext';
import { registerLog } from './views/log';
import { RunsWatcher } from './views/runsWatcher';
import { announceInterruptions } from './views/interruptedRuns';
import { RunsFilter } from './views/runsFilter';
import { registerCommands } from './commands/registerCommands';
import { applyFixFromDashboard } from './commands/applyFix';
import { openConfigCommand } from './commands/runConfig';
import { watchFollowSetting } from './commands/followSettings';
import type { Services } from './commands/services';

/** What `activate` returns: the integration tests and other extensions drive Loss Lens through it. */
export interface LossLensApi extends Services {
  readonly statusBar: LossStatusBar;
  readonly examplesTree: ExamplesTree;
  /** Milliseconds `activate` took (measured inside it). */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): LossLensApi {
  const started = performance.now();
  const store = new RunStore();
  context.subscriptions.push(store);
  context.subscriptions.push(registerLog(context, store));
  const controller = new RunController(vscode.Uri.joinPath(context.extensionUri, 'out', 'worker.js').fsPath, store);
  context.subscriptions.push(controller);
  liveController = controller;
  const follows = new FollowController(store);
  context.subscriptions.push(follows);

  const diagnostics = ConfigDiagnostics.register(context);
  ConfigCodeActions.register(context, diagnostics);
  context.subscriptions.push(linkRunFlagsToConfigs(store, diagnostics));
  const runsFilter = new RunsFilter();
  context.subscriptions.push(runsFilter);
  const runsTree = RunsTree.register(context, store, runsFilter);
  runsFilter.attach(runsTree.view);
  const configsTree = ConfigsTree.register(context, store);
  const examplesTree = ExamplesTree.register(context);
  const statusBar = LossStatusBar.register(context, store);
  context.subscriptions.push(trackRunningContext(store));

  let markRunsLoaded!: () => void;
  const runsLoaded = new Promise<void>((resolve) => (markRunsLoaded = resolve));
  const dashboards = Dashboards.register(context, store, {
    applyFix: (runId, flagIndex, fixIndex, retrain) => applyFixFromDashboard(services, runId, flagIndex, fixIndex, retrain),
    openConfig: (runId) => openConfigCommand(services, runId),
    // The dashboard's Stop: a run trained here stops; a followed one is no longer followed.
    stop: (runId) => void (controller.stop(runId) || follows.stop(runId)),
  }, runsLoaded);
  const services: Services = { context, store, controller, dashboards, diagnostics, runsTree, configsTree, follows, runsFilter, reloadRuns: () => reloadRuns(store, configsTree) };
  registerCommands(context, services);
  watchFollowSetting(context, services);

  RunsWatcher.register(context, store, () => runsFolders(configsTree));
  // Past runs come back after a reload (only in a trusted workspace: they are workspace data).
  const reload = (): void => void services.reloadRuns();
  if (vscode.workspace.isTrusted) {
    const loaded = services.reloadRuns();
    void loaded.finally(markRunsLoaded);
    context.subscriptions.push(announceInterruptions(context, store, loaded));
  } else markRunsLoaded();
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(reload),
    vscode.workspace.onDidChangeWorkspaceFolders(reload),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('lossLens.runsFolder') && reload()),
  );
  return { ...services, statusBar, examplesTree, activationMs: performance.now() - started };
}

/**
 * VS Code waits a few seconds for a returned promise: live runs are asked to stop so their run
 * folders are finished with what was measured (diagnostics, predictions, model) before the
 * subscriptions dispose — and with them terminate — the workers.
 */
const DEACTIVATE_GRACE_MS = 3_000;
let liveController: RunController | undefined;

export async function deactivate(): Promise<void> {
  const controller = liveController;
  liveController = undefined;
  if (!controller) return;
  await controller.stopAllAndWait(DEACTIVATE_GRACE_MS);
}

/** The runs folders of every workspace folder, plus the CLI's default beside each config. */
async function runsFolders(configs: ConfigsTree): Promise<string[]> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => resolveRunsFolder(vscode.workspace.getConfiguration('lossLens', f.uri).get<string>('runsFolder'), f.uri.fsPath, f.uri.fsPath));
  const besideConfigs = (await configs.list()).map((uri) => path.join(path.dirname(uri.fsPath), DEFAULT_RUNS_FOLDER));
  return [...folders, ...besideConfigs];
}

async function reloadRuns(store: RunStore, configs: ConfigsTree): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  store.replaceStored(await loadRunFolders(await runsFolders(configs)));
}
