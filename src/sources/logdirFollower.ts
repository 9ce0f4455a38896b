/**
 * Follows every run under a path while it trains: one source per run found, and one per run that
 * appears later (a new `version_N`, a new TensorBoard run folder), each looked at as soon as a file
 * watcher (chokidar) sees the path change, and at a steady interval in case it does not (network
 * file systems send no change events). Used by `loss-lens diagnose --follow` and the editor's
 * "Follow Log or Folder Live...". Free of `vscode`.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { DiscoveredRun } from '../logs/discoverRuns';
import type { RunSource } from './runSource';
import { findRuns, sourceOf, type FoundRuns, type SourcesOptions } from './sourceFor';

/** How often the runs under the path are listed again when no watcher event says so. */
export const REDISCOVER_MS = 5_000;
/** Events closer together than this are one change (a trainer writes several files at once). */
const COALESCE_MS = 30;
/** Folders a logs tree never needs watched. */
const IGNORED = /(^|[\\/])(node_modules|\.git|__pycache__|\.venv|venv)([\\/]|$)/;

export interface FollowedRun {
  /** Stable across rediscoveries: the run's folder (or file) under the root (runKey). */
  readonly key: string;
  readonly root: string;
  readonly run: DiscoveredRun;
  readonly source: RunSource & { readonly files: readonly string[]; poke?(): void };
}

export interface LogdirFollowerOptions extends SourcesOptions {
  /** Follows only the runs this accepts (the editor's `lossLens.follow` globs), besides `filter`. */
  readonly accept?: (run: DiscoveredRun, root: string) => boolean;
}

export class LogdirFollower {
  private readonly followed = new Map<string, FollowedRun>();
  /** Runs whose source ended by itself (idle, the trainer's end marker): taken up again once their files change. */
  private readonly released = new Map<string, number>();
  private watcher: FSWatcher | undefined;
  private found: FoundRuns | undefined;
  private rediscoverTimer: ReturnType<typeof setInterval> | undefined;
  private coalesce: ReturnType<typeof setTimeout> | undefined;
  private listing = false;
  private closed = false;

  constructor(
    readonly target: string,
    private readonly options: LogdirFollowerOptions,
    /** Called once per run, when it is first found; the caller starts its source. */
    private readonly onRun: (followed: FollowedRun) => void,
  ) {}

  /** Finds the runs there now (throws a LogError naming the path when it cannot be read) and starts watching. */
  async start(): Promise<readonly FollowedRun[]> {
    this.found = await findRuns(this.target, this.options.filter, true);
    await this.adopt(this.found);
    this.watcher = watch(this.target, { ignoreInitial: true, ignored: (p: string) => IGNORED.test(p), depth: 12, persistent: true });
    this.watcher.on('all', (event) => this.changed(event === 'add' || event === 'addDir'));
    this.watcher.on('error', () => undefined);
    this.rediscoverTimer = setInterval(() => void this.rediscover(), REDISCOVER_MS);
    return [...this.followed.values()];
  }

  get runs(): readonly FollowedRun[] {
    return [...this.followed.values()];
  }

  /**
   * The run's source ended by itself (the log went quiet, or said it ended): if its files change
   * again (a resumed training, a second `fit()`), a new source reads it again from the start.
   */
  release(key: string): void {
    if (!this.followed.delete(key)) return;
    this.released.set(key, Date.now());
  }

  /** Stops every source and the watcher. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.rediscoverTimer) clearInterval(this.rediscoverTimer);
    if (this.coalesce) clearTimeout(this.coalesce);
    for (const f of this.followed.values()) f.source.stop();
    await this.watcher?.close();
  }

  private changed(added: boolean): void {
    if (this.closed) return;
    if (this.coalesce) return;
    this.coalesce = setTimeout(() => {
      this.coalesce = undefined;
      for (const f of this.followed.values()) f.source.poke?.();
      if (added) void this.rediscover();
    }, COALESCE_MS);
  }

  private async rediscover(): Promise<void> {
    if (this.closed || this.listing) return;
    this.listing = true;
    try {
      await this.adopt(await findRuns(this.target, this.options.filter, true));
    } catch {
      // The path is gone or unreadable for a moment: the runs already followed go on.
    } finally {
      this.listing = false;
    }
  }

  /** Starts a source for each run not followed yet (one listing at a time: start, then rediscover's `listing`). */
  private async adopt(found: FoundRuns): Promise<void> {
    for (const run of found.runs) {
      const key = runKey(found.root, run);
      if (this.followed.has(key) || (this.options.accept && !this.options.accept(run, found.root))) continue;
      const releasedAt = this.released.get(key);
      if (releasedAt !== undefined && !(await changedSince(run.files.map((f) => path.join(found.root, f)), releasedAt))) continue;
      if (this.closed) return;
      this.released.delete(key);
      const followed: FollowedRun = { key, root: found.root, run, source: sourceOf(found, run, { ...this.options, follow: true }) };
      this.followed.set(key, followed);
      this.onRun(followed);
    }
  }
}

/** Logs that are one file each (several can share a folder); the other formats are a folder each. */
const FILE_RUNS: ReadonlySet<DiscoveredRun['format']> = new Set(['keras-csv', 'jsonl', 'csv']);

/**
 * Where a run is, absolute: its folder, or its file for one-file logs. The same run named by its
 * folder, its parent or a whole tree gets the same key (the editor's run id is made from it).
 */
export function runKey(root: string, run: DiscoveredRun): string {
  return path.join(root, FILE_RUNS.has(run.format) && run.files[0] ? run.files[0] : run.dir);
}

/** Whether any of these files changed after `since` (ms). */
async function changedSince(files: readonly string[], since: number): Promise<boolean> {
  const times = await Promise.all(files.map((file) => stat(file).then((s) => s.mtimeMs, () => -Infinity)));
  return times.some((t) => t > since);
}
