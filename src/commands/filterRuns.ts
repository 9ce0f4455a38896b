/**
 * `lossLens.filterRuns`: the Runs view lists only the runs whose name matches (a regular
 * expression, case-insensitive, or a substring when it is not one: TensorBoard's run filter).
 * An empty filter, or `lossLens.clearRunsFilter`, lists them all again.
 */
import * as vscode from 'vscode';
import type { Services } from './services';

export async function filterRunsCommand(s: Services, arg?: unknown): Promise<string | undefined> {
  const filter =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({
          title: 'Filter Runs',
          prompt: 'A regular expression (case-insensitive) or a substring of the run names; empty shows every run',
          value: s.runsFilter.value,
          placeHolder: 'e.g. version_[0-3]$ or lr=1e-3',
        });
  if (filter === undefined) return undefined;
  s.runsFilter.set(filter);
  return s.runsFilter.value;
}
