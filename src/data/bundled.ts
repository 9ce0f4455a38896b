/**
 * The real datasets shipped in media/datasets/ (provenance in media/datasets/PROVENANCE.md).
 * Only these exact names resolve to bundled files, so a `data.source` can never reach any other
 * file of the extension through this table.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUNDLED_DATASET_TABLE } from '../config/datasets';
import { DataError } from './dataset';

/** Bundled dataset name -> its target column (from the one table in config/datasets.ts). */
export const BUNDLED_DATASETS: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(Object.entries(BUNDLED_DATASET_TABLE).map(([name, d]) => [name, d.target])));

const DATASETS_SUBDIR = path.join('media', 'datasets');
let overrideDir: string | undefined;

/** Points the loader at another folder of bundled CSVs (the extension passes its install folder; tests may too). */
export function setBundledDatasetsDir(dir: string | undefined): void {
  overrideDir = dir;
}

/**
 * The folder holding the bundled CSVs. The code runs bundled from out/*.js (extension, CLI, worker)
 * or out/test/unit/... (tests), so the folder is found by walking up from this file's directory.
 */
export function bundledDatasetsDir(): string {
  if (overrideDir !== undefined) return overrideDir;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DATASETS_SUBDIR);
    if (existsSync(path.join(candidate, 'iris.csv'))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new DataError(`The bundled datasets folder (${DATASETS_SUBDIR}) was not found above ${__dirname}`);
}

export function bundledDatasetPath(name: string): string {
  return path.join(bundledDatasetsDir(), `${name}.csv`);
}
