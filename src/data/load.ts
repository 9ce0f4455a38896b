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
import { WITHHELD } from '../text/quote';
import { assembleFromFiles, assembleFromSource } from './assemble';
import { isBundledDataset, isSyntheticDataset } from '../config/datasets';
import { bundledDatasetPath } from './bundled';
import { resolveTargetName } from './classes';
import { readColumnTable, type ColumnTable } from './columns';
import type { CsvSource } from './csvRecords';
import { DataError, type EncodedDataset } from './dataset';
import { quotingFor } from '../files/regularFile';
import { syntheticTable } from './synthetic';

export interface LoadDatasetOptions {
  /**
   * Folders whose files messages may quote, besides the config's own (the editor's workspace
   * folders). A data file elsewhere is read, but no message quotes what it holds.
   */
  readonly workspaceRoots?: readonly string[];
}

export async function loadDataset(config: LossLensConfig, configDir: string, options: LoadDatasetOptions = {}): Promise<EncodedDataset> {
  const data = config.data;
  const rng = Rng.forRun(config.seed);
  const roots = [configDir, ...(options.workspaceRoots ?? [])];
  const source = (written: string): CsvSource => fileSource(written, configDir, roots, data.encoding);
  if (data.train !== undefined || data.validation !== undefined) {
    if (data.source !== undefined) throw new DataError('data.source and data.train/data.validation exclude each other: use one or the other');
    if (data.train === undefined || data.validation === undefined) {
      throw new DataError(`data.train and data.validation go together: ${data.train === undefined ? 'data.train' : 'data.validation'} is missing`);
    }
    const trainSource = source(data.train);
    const validationSource = source(data.validation);
    return withWithheldReason([trainSource, validationSource], async () => {
      const train = await readTable(trainSource, data.target);
      const textInTraining = new Set(train.columns.filter((c) => c.kind === 'text').map((c) => c.name));
      const validation = await readColumnTable(validationSource, { onHeader: () => textInTraining });
      return assembleFromFiles(train, validation, data, `${data.train} + ${data.validation}`);
    });
  }
  const written = data.source;
  if (written === undefined) throw new DataError('data.source (or data.train and data.validation) is required');
  if (isSyntheticDataset(written)) {
    const { samples, noise } = data.synthetic;
    const table = syntheticTable(written, samples, noise, rng.stream('synthetic'));
    return assembleFromSource(table, data, rng.stream('split'), `${written} (synthetic, ${samples} samples, noise ${noise})`);
  }
  if (isBundledDataset(written)) {
    const table = await readTable({ path: bundledDatasetPath(written), displayName: written }, data.target);
    return assembleFromSource(table, data, rng.stream('split'), `${written} (bundled)`);
  }
  const file = source(written);
  return withWithheldReason([file], async () => {
    const table = await readTable(file, data.target).catch((err: unknown) => {
      throw withBundledHint(err, written);
    });
    return assembleFromSource(table, data, rng.stream('split'), written);
  });
}

/** Said once in a message or the notes when a value of a file outside the workspace is not shown. */
const WITHHELD_REASON = "is outside the config's folder and the workspace, so messages do not quote what it holds";

/**
 * Runs `read`, saying once (in the error, or in a note) why values of the withheld files among
 * `sources` read "(not shown)".
 */
async function withWithheldReason(sources: readonly CsvSource[], read: () => Promise<EncodedDataset>): Promise<EncodedDataset> {
  const withheld = sources.filter((s) => s.quoting === WITHHELD).map((s) => s.displayName);
  if (withheld.length === 0) return read();
  const reason = `${withheld.join(' and ')} ${WITHHELD_REASON}`;
  let dataset: EncodedDataset;
  try {
    dataset = await read();
  } catch (err) {
    if (err instanceof DataError && !err.message.startsWith('Cannot read data file')) throw new DataError(`${err.message} (${reason})`, err.file, err.row, err.column);
    throw err;
  }
  return dataset.notes.some((n) => n.includes('(not shown)')) ? { ...dataset, notes: [...dataset.notes, reason] } : dataset;
}

/** "iris.csv" not found: the user probably meant the bundled "iris", which takes no extension. */
function withBundledHint(err: unknown, source: string): unknown {
  const name = path.basename(source).replace(/\.csv$/i, '');
  if (!(err instanceof DataError) || !err.message.includes('no such file') || !(isBundledDataset(name) || isSyntheticDataset(name))) return err;
  return new DataError(`${err.message}. For the bundled dataset write "source": "${name}"`, err.file, err.row, err.column);
}

/** A path from the config, resolved against the config's folder and named in messages as written. */
function fileSource(written: string, configDir: string, roots: readonly string[], encoding: string): CsvSource {
  const resolved = path.resolve(configDir, written);
  return { path: resolved, displayName: written, encoding, quoting: quotingFor(resolved, roots) };
}

/** Reads a CSV with its target column kept as text from the start (class names keep their spelling). */
function readTable(source: CsvSource, target: string | undefined): Promise<ColumnTable> {
  return readColumnTable(source, {
    onHeader: (header) => new Set([header[resolveTargetName(header, target, source.displayName, source.quoting)]!]),
  });
}
