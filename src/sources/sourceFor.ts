/**
 * The sources for a path a user names (`loss-lens diagnose PATH`, "Open Log or Run Folder...",
 * "Follow Log or Folder Live..."): a run folder (or the metrics.jsonl inside one) is read as a
 * run folder; anything else is searched for runs (docs/logs.md: a run's own folder, its parent,
 * `lightning_logs/`, a whole logs tree, a single log file), one source per run.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { filterRuns, type DiscoveredRun } from '../logs/discoverRuns';
import { findLogRuns } from '../logs/logFiles';
import { metricsJsonlLog, noLogFound } from '../logs/readLog';
import { describeFsError } from '../files/regularFile';
import { describeFailure } from '../model';
import { RUN_FILES } from '../runFolder';
import { FolderSource } from './folderSource';
import { LogRunSource, type LogRunOptions } from './logRunSource';
import { logReadings } from './logReadings';
import type { ReadingSink, RunSource } from './runSource';

/** The run folder a path names (the folder, or the metrics.jsonl inside one), or undefined. */
export async function runFolderOf(file: string): Promise<string | undefined> {
  const isFile = async (p: string): Promise<boolean> => (await stat(p).catch(() => undefined))?.isFile() === true;
  const s = await stat(file).catch(() => undefined);
  if (s === undefined) return undefined;
  if (s.isDirectory()) return (await isFile(path.join(file, RUN_FILES.metrics))) ? file : undefined;
  // A metrics.jsonl inside a run folder is read with its folder: config and predictions give the
  // detectors the classes (chance level) and the final calibration.
  return path.basename(file) === RUN_FILES.metrics && (await isFile(path.join(path.dirname(file), RUN_FILES.config))) ? path.dirname(file) : undefined;
}

export interface SourcesOptions extends LogRunOptions {
  /** Keep only the runs whose name matches (a regular expression, case-insensitive, else a substring; as TensorBoard). */
  readonly filter?: string;
}

export interface FoundRuns {
  /** What the runs' names and files are relative to. */
  readonly root: string;
  readonly runs: readonly DiscoveredRun[];
}

/**
 * The runs under a path (after the filter), without reading them. Throws a LogError naming the path
 * when it cannot be read, or holds no run (unless `allowEmpty`: a follower waits for runs to come).
 */
export async function findRuns(target: string, filter?: string, allowEmpty = false): Promise<FoundRuns> {
  const folder = await runFolderOf(target);
  if (folder !== undefined) return { root: path.dirname(folder), runs: [{ name: path.basename(folder), dir: path.basename(folder), format: 'losslens-run', files: [path.join(path.basename(folder), RUN_FILES.metrics)], predictions: [], only: true }] };
  const found = await findLogRuns(target);
  if (!found.runs.length && !allowEmpty) throw noLogFound(target);
  return { root: found.root, runs: filter ? filterRuns(found.runs, filter) : found.runs };
}

/** The source that reads one run found by findRuns. */
export function sourceOf(found: FoundRuns, run: DiscoveredRun, options: LogRunOptions = {}): RunSource & { readonly files: readonly string[] } {
  const abs = path.join(found.root, run.dir);
  if (run.format === 'losslens-run') return Object.assign(new FolderSource(abs, options.follow ? { follow: true } : {}), { files: [path.join(abs, RUN_FILES.metrics)] });
  if (run.metricsJsonl && run.files.length === 1) return new MetricsJsonlSource(path.join(found.root, run.files[0]!));
  return new LogRunSource(found.root, run, options);
}

/** Every run under a path as a source (see findRuns). */
export async function sourcesFor(target: string, options: SourcesOptions = {}): Promise<{ found: FoundRuns; sources: (RunSource & { readonly files: readonly string[] })[] }> {
  const found = await findRuns(target, options.filter);
  return { found, sources: found.runs.map((run) => sourceOf(found, run, options)) };
}

/** A metrics.jsonl without its run folder (copied out, or written by another tool in the same format), read once. */
class MetricsJsonlSource implements RunSource {
  readonly origin = 'log' as const;
  readonly files: readonly string[];

  constructor(private readonly file: string) {
    this.files = [file];
  }

  start(sink: ReadingSink): void {
    // Read without blocking the extension host; a file that cannot be read or parsed still ends the stream.
    readFile(this.file, 'utf8').then(
      (text) => {
        let log;
        try {
          log = metricsJsonlLog(text, this.file);
        } catch (error) {
          return sink({ type: 'run/didEnd', end: { state: 'failed', failure: describeFailure(error) } });
        }
        logReadings(log).forEach(sink);
      },
      (error: unknown) => sink({ type: 'run/didEnd', end: { state: 'failed', failure: { message: `${this.file}: ${describeFsError(this.file, error).message}`, badInput: true, file: this.file } } }),
    );
  }

  stop(): void {}
  dispose(): void {}
}
