/** `lossLens.stop`: stops the given run, the only live run, or the live runs picked. */
import * as vscode from 'vscode';
import { pickRuns, runsFromArgs } from './runArgs';
import type { Services } from './services';

export async function stopCommand(s: Services, ...args: unknown[]): Promise<number> {
  let runs = runsFromArgs(s, ...args).filter((r) => s.controller.isLive(r.id));
  if (!runs.length) {
    const live = s.store.live().filter((r) => s.controller.isLive(r.id));
    if (!live.length) {
      void vscode.window.showInformationMessage('Loss Lens: no run is training.');
      return 0;
    }
    runs = live.length === 1 ? live : ((await pickRuns(s, { placeHolder: 'Which runs should stop?', many: true, filter: (r) => s.controller.isLive(r.id) })) ?? []);
  }
  for (const run of runs) s.controller.stop(run.id);
  return runs.length;
}
