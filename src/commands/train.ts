/**
 * `lossLens.train`: trains the given config, the active `*.losslens.json`, or one picked from the
 * workspace (or a bundled example, written into the workspace first). The config is validated in
 * the editor first, so a mistake is shown in the Problems panel instead of failing a worker; a
 * second run of a config already training asks whether to stop the first.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { readFile, rmdir } from 'node:fs/promises';
import { validateConfigText } from '../config/validate';
import { ConfigError } from '../config/errors';
import { describeFailure } from '../model';
import { showFailure } from './showFailure';
import type { RunRecord } from '../store/runStore';
import type { LossLensConfig } from '../config/types';
import { createRunDir, resolveRunsFolder, RunFolderError } from '../runFolder';
import { CONFIG_FILE_SUFFIX } from '../config/defaults';
import { EXAMPLE_DATASETS } from '../config/template';
import { createExampleConfig } from './newConfig';
import { requireTrust } from './trust';
import type { Services } from './services';
import { log } from '../views/log';

/** Options for programmatic use (tests, "apply and train again"). */
export interface TrainOptions {
  /** Skip the question about a live run of the same config: 'stop' it first or run 'alongside'. */
  readonly whenAlreadyRunning?: 'stop' | 'alongside';
  /** Open the dashboard on this run (default: the `lossLens.dashboard.openOnTrain` setting). */
  readonly openDashboard?: boolean;
}

export async function trainCommand(s: Services, arg?: unknown, options: TrainOptions = {}): Promise<RunRecord | undefined> {
  if (!requireTrust('train')) return undefined;
  const uri = await resolveConfigUri(s, arg);
  if (!uri) return undefined;
  return trainConfig(s, uri, options);
}

/**
 * The config a command means: its argument (a file, or a bundled example from the Examples view,
 * whose config is written first), the one on screen, or one the user picks (or an example).
 * `then` says what the command does with it, for the examples' words.
 */
export async function resolveConfigUri(s: Services, arg: unknown, placeHolder = 'Which config should Loss Lens train?', then = 'trains it'): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.endsWith(CONFIG_FILE_SUFFIX)) return vscode.Uri.file(arg);
  const example = exampleOf(arg);
  if (example) return createExampleConfig(example, { open: true });
  const active = activeConfigUri();
  if (active) return active;
  log()?.info(`no config is open in the active editor, asking: ${placeHolder}`);
  const configs = await s.configsTree.list();
  // Without a folder the example opens unsaved: nothing trains until it is saved.
  const exampleDetail = vscode.workspace.workspaceFolders?.length ? `Creates a config for this dataset in the workspace, then ${then}` : 'Opens a config for this dataset (save it in a folder to use it)';
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri; example?: string };
  const items: Item[] = [
    ...configs.map((uri): Item => ({ label: `$(settings-gear) ${path.basename(uri.fsPath)}`, description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri })),
    { label: 'Bundled examples', kind: vscode.QuickPickItemKind.Separator },
    ...EXAMPLE_DATASETS.map((d): Item => ({ label: `$(${d.kind === 'synthetic' ? 'beaker' : 'database'}) ${d.name}`, description: d.description, detail: exampleDetail, example: d.name })),
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  if (picked.example) return createExampleConfig(picked.example, { open: true });
  return undefined;
}

/** A bundled example named by a command's argument: the Examples view passes its item, `{ name }`. */
function exampleOf(arg: unknown): string | undefined {
  const name = typeof arg === 'object' && arg !== null && 'name' in arg ? (arg as { name: unknown }).name : undefined;
  return EXAMPLE_DATASETS.some((d) => d.name === name) ? (name as string) : undefined;
}

/**
 * The config the user is looking at: the active text editor's document, or else the active tab's
 * file. The tab comes first on screen: a file just opened shows its tab before its text model is
 * loaded and reported to the extension host (seconds on a busy remote), and a user who runs
 * "Train" then means that file, not a question about which config.
 */
function activeConfigUri(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.fileName.endsWith(CONFIG_FILE_SUFFIX)) return doc.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText && input.uri.path.endsWith(CONFIG_FILE_SUFFIX)) return input.uri;
  return undefined;
}

/**
 * The config file, validated (an open editor is saved first: the worker reads the file, not the
 * buffer); a config with errors is shown with its Problems instead, and nothing is returned.
 */
export async function validConfigOf(s: Services, uri: vscode.Uri): Promise<LossLensConfig | undefined> {
  const configPath = uri.fsPath;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  let text: string;
  try {
    text = open ? open.getText() : await readFile(configPath, 'utf8');
  } catch (err) {
    void vscode.window.showErrorMessage(`Loss Lens: cannot read ${configPath}: ${(err as Error).message}`);
    return undefined;
  }
  const validation = validateConfigText(text, configPath);
  const errors = validation.problems.filter((p) => p.severity === 'error');
  if (!validation.config || errors.length) {
    const doc = await vscode.workspace.openTextDocument(uri);
    s.diagnostics.refresh(doc);
    // The message the CLI prints for the same config (describeFailure), with the count in front.
    const failure = describeFailure(new ConfigError(configPath, errors, text));
    const count = `${path.basename(configPath)} has ${errors.length} problem${errors.length === 1 ? '' : 's'}`;
    void vscode.window.showErrorMessage(`Loss Lens: ${count}: ${failure.message}`, 'Show Problems').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    await vscode.window.showTextDocument(doc, { preview: false });
    return undefined;
  }
  return validation.config;
}

export async function trainConfig(s: Services, uri: vscode.Uri, options: TrainOptions = {}): Promise<RunRecord | undefined> {
  const configPath = uri.fsPath;
  const config = await validConfigOf(s, uri);
  if (!config) return undefined;

  for (const live of s.controller.liveRunsOf(configPath)) {
    const answer =
      options.whenAlreadyRunning ??
      (await vscode.window
        .showWarningMessage(`"${live.name}" is still training. Stop that run and start a new one?`, { modal: true, detail: 'Both runs keep their own run folder either way.' }, 'Stop and Train', 'Train Alongside')
        .then((choice) => (choice === 'Stop and Train' ? 'stop' : choice === 'Train Alongside' ? 'alongside' : undefined)));
    if (!answer) return undefined;
    if (answer === 'stop') {
      s.controller.stop(live.id);
      await s.controller.whenDone(live.id);
    }
  }

  const workspaceFolder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const setting = vscode.workspace.getConfiguration('lossLens', uri).get<string>('runsFolder');
  let runDir: string;
  try {
    runDir = createRunDir(resolveRunsFolder(setting, workspaceFolder, configPath), config.name);
  } catch (err) {
    showFailure(describeFailure(RunFolderError.cannotCreate(resolveRunsFolder(setting, workspaceFolder, configPath), err)), uri);
    return undefined;
  }
  s.diagnostics.clearRunFlags(uri);
  const workspaceRoots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const run = s.controller.start({ configPath, config, runDir, workspaceRoots });
  void s.controller.whenDone(run.id).then((end) => {
    if (end?.state !== 'failed') return;
    showFailure(end.failure, uri, `"${run.name}" failed`);
    // A run that failed before it wrote anything (bad data) leaves no empty folder in the runs folder.
    void rmdir(runDir).catch(() => undefined);
  });
  const openDashboard = options.openDashboard ?? vscode.workspace.getConfiguration('lossLens', uri).get<boolean>('dashboard.openOnTrain', true);
  if (openDashboard) s.dashboards.show([run.id], false, true);
  return run;
}
