/**
 * Starts and stops training runs: one `TrainerSource` (one worker) per run, its readings folded into
 * the `RunStore`; and learning-rate range tests, one `RangeTestJob` (one worker) each. Free of
 * `vscode`: questions to the user (stop the first run?) are the command's.
 */
import { readdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { Disposable } from '../dispose';
import type { LossLensConfig } from '../config/types';
import type { RunEnd } from '../model';
import { TrainerSource } from '../sources/trainerSource';
import { RangeTestJob } from '../worker/rangeTestJob';
import type { StopCause } from '../worker/workerJob';
import { newRunRecord, type RunRecord, type RunStore } from './runStore';

export interface StartRunOptions {
  readonly configPath: string;
  readonly config: LossLensConfig;
  readonly runDir: string;
  /** The editor's workspace folders: files there may be quoted in messages (src/files/regularFile.ts). */
  readonly workspaceRoots?: readonly string[];
}

export class RunController extends Disposable {
  private readonly jobs = new Map<string, TrainerSource>();
  private readonly outcomes = new Map<string, Promise<RunEnd>>();
  /** Learning-rate range tests: not runs (no run folder, no record), but workers to stop on exit. */
  private readonly rangeTests = new Set<RangeTestJob>();

  constructor(
    private readonly workerPath: string,
    private readonly store: RunStore,
  ) {
    super();
  }

  /** Live runs of this config file (compared by resolved path). */
  liveRunsOf(configPath: string): RunRecord[] {
    const key = path.resolve(configPath);
    return this.store.live().filter((r) => r.configPath !== undefined && path.resolve(r.configPath) === key && this.jobs.has(r.id));
  }

  isLive(id: string): boolean {
    return this.jobs.has(id);
  }

  start(options: StartRunOptions): RunRecord {
    const run = newRunRecord({ dir: options.runDir, name: options.config.name, origin: 'live', configPath: options.configPath, epochsPlanned: options.config.training.epochs, config: { ...options.config } });
    const source = new TrainerSource(this.workerPath, { type: 'run/start', ...options });
    this.jobs.set(run.id, source);
    this.store.add(run);
    const done = new Promise<RunEnd>((resolve) =>
      source.start((reading) => {
        if (reading.type === 'run/didEnd') {
          this.jobs.delete(run.id);
          source.dispose();
          // The host made the folder before the worker read the data: bad data leaves no empty folder behind.
          if (reading.end.state === 'failed') removeIfEmpty(run.dir);
        }
        this.store.apply(run, reading);
        if (reading.type === 'run/didEnd') resolve(reading.end);
      }),
    );
    this.outcomes.set(run.id, done);
    return run;
  }

  /** Starts a learning-rate range test on its own worker; the caller reads its events and outcome. */
  findLearningRate(configPath: string, config: LossLensConfig): RangeTestJob {
    const job = new RangeTestJob(this.workerPath, { type: 'lrFind/start', configPath, config });
    this.rangeTests.add(job);
    void job.done.then(() => {
      this.rangeTests.delete(job);
      job.dispose();
    });
    return job;
  }

  /** Resolves when the run has ended and the store holds its final state. */
  whenDone(id: string): Promise<RunEnd | undefined> {
    return this.outcomes.get(id) ?? Promise.resolve(undefined);
  }

  stop(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    job.stop();
    return true;
  }

  stopAll(cause: StopCause = 'user'): void {
    for (const job of this.jobs.values()) job.stop(cause);
    for (const job of this.rangeTests) job.stop();
  }

  /** Stops every live run and waits (at most `graceMs`) for their run folders to be finished. */
  async stopAllAndWait(graceMs: number): Promise<void> {
    const pending = [...this.jobs.keys()].map((id) => this.whenDone(id));
    // The editor is going away: the folders record these runs as interrupted, not stopped by the user.
    this.stopAll('shutdown');
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  override dispose(): void {
    for (const job of this.jobs.values()) job.dispose();
    this.jobs.clear();
    for (const job of this.rangeTests) job.dispose();
    this.rangeTests.clear();
    super.dispose();
  }
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Gone already, or not ours to remove.
  }
}
