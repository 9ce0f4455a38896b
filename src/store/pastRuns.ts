/**
 * Past runs read back into the `RunStore` (after a reload, or when a run finishes outside this
 * window): every sub-folder of the runs folders that reads as a run folder, through the one
 * run-folder source (sources/folderSource.ts) and the store's one fold. Free of `vscode`.
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { FolderSource } from '../sources/folderSource';
import { endOf, readAll } from '../sources/runSource';
import { applyReading, newRunRecord, type RunRecord } from './runStore';

/**
 * One run folder as a record, reading only what lists and the dashboard need (predictions.csv's
 * class names, not its rows; no model.json), so reloading many runs stays quick. Undefined when the
 * folder is not a run folder.
 */
export async function loadRunFolder(dir: string): Promise<RunRecord | undefined> {
  const readings = await readAll(new FolderSource(dir, { predictions: 'header', model: false }));
  const end = endOf(readings);
  if (end?.state === 'failed' && end.failure.badInput) return undefined;
  const run = newRunRecord({ dir, origin: 'folder', name: path.basename(dir) });
  for (const reading of readings) applyReading(run, reading);
  return run;
}

/** Every sub-folder of these runs folders that reads as a run folder, newest first. Never throws. */
export async function loadRunFolders(runsFolders: readonly string[]): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (const folder of new Set(runsFolders)) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const run = await loadRunFolder(path.join(folder, name));
      if (run) runs.push(run);
      // Let the host's other work in between folders.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return runs.sort((a, b) => b.startedAt - a.startedAt);
}
