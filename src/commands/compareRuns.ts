/**
 * `lossLens.compareRuns`: overlays runs in the dashboard: the sidebar's multi-selection (context
 * menu or title bar), or runs picked from a list.
 */
import * as vscode from 'vscode';
import { pickRuns, runsFromArgs } from './runArgs';
import type { Services } from './services';

export async function compareRunsCommand(s: Services, ...args: unknown[]): Promise<readonly string[]> {
  let runs = runsFromArgs(s, ...args);
  if (runs.length < 2) runs = s.runsTree.selectedRuns();
  if (runs.length < 2) runs = (await pickRuns(s, { placeHolder: 'Pick two or more runs to compare', many: true })) ?? [];
  if (runs.length < 2) {
    if (runs.length === 1) void vscode.window.showInformationMessage('Loss Lens: pick at least two runs to compare.');
    return [];
  }
  return (
    s.dashboards.show(
      runs.map((r) => r.id),
      true,
    )?.shownRunIds ?? []
  );
}
