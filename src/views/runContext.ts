/**
 * The context value of a run's row in the Runs view, which package.json's menus read:
 * `lossLens.run.<state>` for a Loss Lens run, `lossLens.run.following` while a run is followed
 * (inline: Stop Following), and `lossLens.run.<state>.followable` for a log, or a run folder still
 * being written, that is not followed now (inline: Follow).
 */
import type { RunRecord } from '../store/runStore';

export function runContextValue(run: Pick<RunRecord, 'state' | 'origin' | 'followed'>): string {
  if (run.followed) return 'lossLens.run.following';
  const base = `lossLens.run.${run.state}`;
  return run.origin === 'log' || (run.origin === 'folder' && run.state === 'running') ? `${base}.followable` : base;
}
