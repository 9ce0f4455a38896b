/**
 * loadDataset: a resolved config's `data` section becomes an EncodedDataset, or a DataError that
 * names the file and the row or column.
 *
 * A config reads only the data its author named: `data.source` (a bundled name, a synthetic
 * name or a CSV path), or `data.train` + `data.validation`, paths relative to the config's folder.
 * Nothing else is opened; bundled names are looked up in a fixed table, never joined into paths.
 * A synthetic or bundled name wins over a file of the same name; "./iris" reads the file.
 */
import path from 'node:path';
import type { LossLensConfig } from '../config/types';
import { Rng } from '../rng';
import { assembleFromFiles, assembleFromSource } from './assemble';
import { isBundledDataset, isSyntheticDataset } from '../config/datasets';
import { bundledDatasetPath } from './bundled';
import { resolveTargetName } from './classes';
import { readColumnTable, type ColumnTable } from './columns';
import type { CsvSource } from './csvRecords';
import { DataError, type EncodedDataset } from './dataset';
import { syntheticTable } from './synthetic';

export async function loadDataset(config: LossLensConfig, configDir: string): Promise<EncodedDataset> {
  const data = config.data;
  const rng = Rng.forRun(config.seed);
  if (data.train !== undefined || data.validation !== undefined) {
    if (data.source !== undefined) throw new DataError('data.source and data.train/data.validation exclude each other: use one or the other');
    if (data.train === undefined || data.validation === undefined) {
      throw new DataError(`data.train and data.validation go together: ${data.train === undefined ? 'data.train' : 'data.validation'} is missing`);
    }
    const train = await readTable(fileSource(data.train, configDir), data.target);
    const textInTraining = new Set(train.columns.filter((c) => c.kind === 'text').map((c) => c.name));
    const validation = await readColumnTable(fileSource(data.validation, configDir), { onHeader: () => textInTraining });
    return assembleFromFiles(train, validation, data, `${data.train} + ${data.validation}`);
  }
  const source = data.source;
  if (source === undefined) throw new DataError('data.source (or data.train and data.validation) is required');
  let table: ColumnTable;
  let origin: string;
  if (isSyntheticDataset(source)) {
    const { samples, noise } = data.synthetic;
    table = syntheticTable(source, samples, noise, rng.stream('synthetic'));
    origin = `${source} (synthetic, ${samples} samples, noise ${noise})`;
  } else if (isBundledDataset(source)) {
    table = await readTable({ path: bundledDatasetPath(source), displayName: source }, data.target);
    origin = `${source} (bundled)`;
  } else {
    table = await readTable(fileSource(source, configDir), data.target).catch((err: unknown) => {
      throw withBundledHint(err, source);
    });
    origin = source;
  }
  return assembleFromSource(table, data, rng.stream('split'), origin);
}

/** "iris.csv" not found: the user probably meant the bundled "iris", which takes no extension. */
function withBundledHint(err: unknown, source: string): unknown {
  const name = path.basename(source).replace(/\.csv$/i, '');
  if (!(err instanceof DataError) || !err.message.includes('no such file') || !(isBundledDataset(name) || isSyntheticDataset(name))) return err;
  return new DataError(`${err.message}. For the bundled dataset write "source": "${name}"`, err.file, err.row, err.column);
}

/** A path from the config, resolved against the config's folder and named in messages as written. */
function fileSource(written: string, configDir: string): CsvSource {
  return { path: path.resolve(configDir, written), displayName: written };
}

/** Reads a CSV with its target column kept as text from the start (class names keep their spelling). */
function readTable(source: CsvSource, target: string | undefined): Promise<ColumnTable> {
  return readColumnTable(source, {
    onHeader: (header) => new Set([header[resolveTargetName(header, target, source.displayName)]!]),
  });
}
