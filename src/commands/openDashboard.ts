/**
 * `lossLens.openDashboard`: the given run, the runs selected in the sidebar, or the newest run, in the
 * dashboard of its config (src/views/dashboardIdentity.ts). Returns the runs that dashboard shows.
 */
import { runsFromArgs } from './runArgs';
import type { Services } from './services';

export function openDashboardCommand(s: Services, ...args: unknown[]): readonly string[] {
  let runs = runsFromArgs(s, ...args);
  if (!runs.length) runs = s.runsTree.selectedRuns();
  if (!runs.length) runs = s.store.list().slice(0, 1);
  return (
    s.dashboards.show(
      runs.map((r) => r.id),
      runs.length > 1,
    )?.shownRunIds ?? []
  );
}
