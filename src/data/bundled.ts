/**
 * The real datasets shipped in media/datasets/ (provenance in media/datasets/PROVENANCE.md).
 * Only these exact names resolve to bundled files, so a `data.source` can never reach any other
 * file of the extension through this table.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from './dataset';

/** Bundled dataset name -> its target column (the last column of each file, so the default works too). */
export const BUNDLED_DATASETS: Readonly<Record<string, string>> = Object.freeze({
  iris: 'label',
  wine: 'label',
  'breast-cancer-wisconsin': 'label',
  digits: 'label',
  'credit-g': 'class',
  diabetes: 'class',
  glass: 'Type',
});

export function isBundledDataset(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUNDLED_DATASETS, name);
}

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
