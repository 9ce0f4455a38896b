/**
 * The run folder's layout (docs/run-folder.md): its files, and where folders go. A run is written to
 * `<runs folder>/<time>-<name>/`, the runs folder being `.losslens/runs` beside the config by default
 * (the `lossLens.runsFolder` setting in the editor), time as YYYYMMDD-HHMMSS local time so folders
 * sort by start.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  diagnostics: 'diagnostics.json',
  predictions: 'predictions.csv',
  model: 'model.json',
  /** How the run stands: running, or how it ended (status.ts). */
  status: 'status.json',
  /** Held while a process writes the folder (status.ts). */
  lock: 'run.lock',
} as const;

/** The default runs folder, relative to the config's folder (CLI) or workspace folder (editor). */
export const DEFAULT_RUNS_FOLDER = '.losslens/runs';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 2026-11-22 21:48:00 -> "20261122-214800". */
export function runTimestamp(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** The local time a run folder's name starts with (`20261122-215600-...`), or undefined. */
export function runFolderTime(folderName: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(folderName);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

/** A run name made safe for a folder name on every OS. */
export function folderSafeName(name: string): string {
  const safe = name.replace(/[<>:"/\\|?*\x00-\x1f]+/g, '-').replace(/\s+/g, '-').replace(/-+/g, '-').replace(/^[.-]+|[.-]+$/g, '');
  return safe.slice(0, 80) || 'run';
}

/**
 * The runs folder for a config: the setting (or the default), relative to the workspace folder, or
 * to the config's own folder outside any workspace folder, as the CLI does; an absolute setting as is.
 */
export function resolveRunsFolder(setting: string | undefined, workspaceFolder: string | undefined, configPath: string): string {
  const folder = setting?.trim() || DEFAULT_RUNS_FOLDER;
  if (path.isAbsolute(folder)) return folder;
  return path.resolve(workspaceFolder ?? path.dirname(configPath), folder);
}

/**
 * Creates a fresh run folder `<runsFolder>/<time>-<name>` (`-2`, `-3` when two runs start in the
 * same second: a non-recursive mkdir fails atomically if the folder exists).
 */
export function createRunDir(runsFolder: string, name: string, at: Date = new Date()): string {
  mkdirSync(runsFolder, { recursive: true });
  const base = path.join(runsFolder, `${runTimestamp(at)}-${folderSafeName(name)}`);
  for (let attempt = 1; ; attempt++) {
    const dir = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
