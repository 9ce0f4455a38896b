/**
 * Which dashboard shows which runs, and what its tab says. A dashboard belongs to a config: the runs
 * of one `*.losslens.json` (trained again, compared with each other, its learning-rate test) share
 * its dashboard, so training another config opens that config's own and never takes this one over.
 * A run without a known config (another trainer's log, a folder whose config is elsewhere) has a
 * dashboard of its own, and so does a comparison across configs. Pure, so it is unit-tested.
 */
import path from 'node:path';

/** What the key and the title need of a run. */
export interface ShownRun {
  readonly id: string;
  readonly name: string;
  readonly startedAt: number;
  readonly configPath: string | undefined;
}

/** The dashboard of a config file (compared by resolved path). */
export const configKey = (configPath: string): string => `config:${path.resolve(configPath)}`;

/** The dashboard these runs belong in: their config's when they share one, else one for exactly these runs. */
export function dashboardKeyOf(runs: readonly ShownRun[]): string {
  const owners = new Set(runs.map((r) => (r.configPath ? configKey(r.configPath) : `run:${r.id}`)));
  if (owners.size === 1) return [...owners][0]!;
  return `compare:${runs.map((r) => r.id).sort().join(',')}`;
}

/** "14:47", the run's local start time: with its name it tells runs of one config apart. */
export function startTime(startedAt: number): string {
  const d = new Date(startedAt);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

const label = (run: ShownRun): string => `${run.name} · ${startTime(run.startedAt)}`;

/**
 * The tab's title: "Loss Lens: iris-baseline · 14:47" for one run, "Loss Lens: compare a · 14:47 vs
 * b · 15:02" for several, "Loss Lens: lrfind (learning-rate test)" for a range test alone.
 */
export function dashboardTitle(runs: readonly ShownRun[], compare: boolean, rangeTestName?: string): string {
  if (runs.length > 1 && compare) return `Loss Lens: compare ${runs.map(label).join(' vs ')}`;
  if (runs[0]) return `Loss Lens: ${label(runs[0])}`;
  return rangeTestName !== undefined ? `Loss Lens: ${rangeTestName} (learning-rate test)` : 'Loss Lens';
}
