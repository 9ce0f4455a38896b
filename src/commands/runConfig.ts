/**
 * The `*.losslens.json` a run trained. Live runs know it; a run read back from its folder is matched
 * to the workspace config with its name (the name defaults to the file name, docs/config.md).
 */
import * as vscode from 'vscode';
import path from 'node:path';
import type { RunRecord } from '../store/runStore';
import { CONFIG_FILE_SUFFIX } from '../config/defaults';
import { runsFromArgs } from './runArgs';
import type { Services } from './services';

export async function configUriOfRun(s: Services, run: RunRecord): Promise<vscode.Uri | undefined> {
  if (run.configPath) return vscode.Uri.file(run.configPath);
  const configs = await s.configsTree.list();
  const byFileName = configs.find((uri) => path.basename(uri.fsPath) === `${run.name}${CONFIG_FILE_SUFFIX}`);
  if (byFileName) {
    run.configPath = byFileName.fsPath;
    return byFileName;
  }
  for (const uri of configs) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (new RegExp(`"name"\\s*:\\s*${JSON.stringify(run.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(text)) {
        run.configPath = uri.fsPath;
        return uri;
      }
    } catch {
      // An unreadable config is not this run's.
    }
  }
  return undefined;
}

export async function openConfigCommand(s: Services, ...args: unknown[]): Promise<void> {
  const run = runsFromArgs(s, ...args)[0];
  if (!run) return;
  const uri = await configUriOfRun(s, run);
  if (uri) await vscode.window.showTextDocument(uri, { preview: false });
  else void vscode.window.showInformationMessage(`Loss Lens: the config of "${run.name}" is not in this workspace; its resolved copy is ${path.join(run.dir, 'config.json')}.`);
}
