/**
 * Where a run is written by default: `.losslens/runs/<time>-<name>/` beside the config (contract §2),
 * time as YYYYMMDD-HHMMSS local time so folders sort by start. Two runs in the same second get
 * `-2`, `-3`: the folder is created with a non-recursive mkdir, which fails atomically if it exists.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

export const RUNS_FOLDER = path.join('.losslens', 'runs');

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 2026-11-22 21:48:00 -> "20261122-214800". */
export function runTimestamp(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** A run name made safe for a folder name on every OS. */
export function folderSafeName(name: string): string {
  const safe = name.replace(/[<>:"/\\|?*\x00-\x1f]+/g, '-').replace(/\s+/g, '-').replace(/-+/g, '-').replace(/^[.-]+|[.-]+$/g, '');
  return safe.slice(0, 80) || 'run';
}

/** Creates and returns a fresh run folder under `configDir/.losslens/runs/`. */
export function createDefaultRunDir(configDir: string, name: string, now: Date = new Date()): string {
  const parent = path.join(configDir, RUNS_FOLDER);
  mkdirSync(parent, { recursive: true });
  const base = `${runTimestamp(now)}-${folderSafeName(name)}`;
  for (let attempt = 1; ; attempt++) {
    const dir = path.join(parent, attempt === 1 ? base : `${base}-${attempt}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
