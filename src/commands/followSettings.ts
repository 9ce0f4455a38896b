/**
 * The `lossLens.follow` setting: globs relative to each workspace folder ("runs/**",
 * "lightning_logs") whose runs are followed as soon as the window opens, in a trusted workspace
 * only (a workspace's settings must not make the editor read its files before it is trusted).
 * Off by default: following a whole workspace watches every file in it.
 */
import * as vscode from 'vscode';
import { followPattern } from '../store/followPatterns';
import { log } from '../views/log';
import type { Services } from './services';

export const FOLLOW_SETTING = 'lossLens.follow';

/** Follows what the setting names now (and nothing it no longer names). */
export async function followFromSettings(s: Services): Promise<void> {
  await s.follows.stopAll('setting');
  if (!vscode.workspace.isTrusted) return;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const globs = vscode.workspace.getConfiguration('lossLens', folder.uri).get<unknown>('follow');
    if (!Array.isArray(globs)) continue;
    for (const glob of globs) {
      if (typeof glob !== 'string') continue;
      const pattern = followPattern(glob, folder.uri.fsPath);
      if ('error' in pattern) {
        log()?.warn(`${FOLLOW_SETTING} in ${folder.name}: ${pattern.error}; not followed`);
        continue;
      }
      await s.follows.follow(pattern.base, { by: 'setting', key: pattern.glob, accept: pattern.accept, waitForPath: true }).catch((error: unknown) => log()?.warn(`${FOLLOW_SETTING} "${glob}": ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}

/** Follows the setting's globs now (when trusted) and again whenever it, the folders or the trust change. */
export function watchFollowSetting(context: vscode.ExtensionContext, s: Services): void {
  const again = (): void => void followFromSettings(s);
  if (vscode.workspace.isTrusted) again();
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(again),
    vscode.workspace.onDidChangeWorkspaceFolders(again),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(FOLLOW_SETTING) && again()),
  );
}
