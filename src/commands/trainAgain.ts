/**
 * `lossLens.trainAgain` (Runs view, dashboard title bar): trains the config of a past run again —
 * the way back for a run cut off by a reload or a crash, or one stopped by hand.
 */
import * as vscode from 'vscode';
import type { RunRecord } from '../store/runStore';
import { runsFromArgs } from './runArgs';
import { configUriOfRun } from './runConfig';
import { trainConfig } from './train';
import { requireTrust } from './trust';
import type { Services } from './services';

export async function trainAgainCommand(s: Services, ...args: unknown[]): Promise<RunRecord | undefined> {
  if (!requireTrust('train')) return undefined;
  // From the dashboard's title bar there is no argument: the run it shows.
  const shown = s.dashboards.active?.shownRunIds[0];
  const named = args.some((a) => typeof a === 'string' || (typeof a === 'object' && a !== null && 'run' in a));
  const run = named ? runsFromArgs(s, ...args)[0] : shown ? s.store.get(shown) : undefined;
  if (!run) return undefined;
  const uri = await configUriOfRun(s, run);
  if (!uri) {
    void vscode.window.showWarningMessage(`Loss Lens: the config of "${run.name}" is not in this workspace, so it cannot be trained again (its resolved copy is in the run folder, config.json).`);
    return undefined;
  }
  return trainConfig(s, uri);
}
