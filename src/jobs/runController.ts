/**
 * Starts and stops training runs: one `TrainingJob` (one worker) per run, its events folded into
 * the `RunStore`; and learning-rate range tests, one `RangeTestJob` (one worker) each. Free of `vscode`: questions to the user (stop the first run?) are the command's.
 */
import path from 'node:path';
import { Disposable } from '../dispose';
import type { LossLensConfig } from '../config/types';
import { TrainingJob, type JobOutcome } from './trainingJob';
import { RangeTestJob } from './rangeTestJob';
import { newRunRecord, type RunRecord, type RunStore } from './runStore';

export interface StartRunOptions {
  readonly configPath: string;
  readonly config: LossLensConfig;
  readonly runDir: string;
  readonly workspaceRoots: readonly string[];
}

export class RunController extends Disposable {
  private readonly jobs = new Map<string, TrainingJob>();
  private readonly outcomes = new Map<string, Promise<JobOutcome>>();
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
    const run = newRunRecord({ dir: options.runDir, name: options.config.name, origin: 'live', configPath: options.configPath, epochsPlanned: options.config.training.epochs });
    this.store.add(run);
    const job = new TrainingJob(this.workerPath, { type: 'run/start', ...options });
    this.jobs.set(run.id, job);
    job.onDidStart((info) => this.store.started(run, info));
    job.onDidProgress((batch) => this.store.progress(run, batch.steps, batch.epochs, batch.calibration));
    job.onDidFlag((flag) => this.store.flag(run, flag));
    const done = job.done.then((outcome) => {
      this.jobs.delete(run.id);
      job.dispose();
      if (outcome.state === 'failed') this.store.ended(run, { state: 'failed', error: outcome.error });
      else this.store.ended(run, { state: outcome.state, reason: outcome.reason, diagnostics: outcome.diagnostics });
      return outcome;
    });
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
  whenDone(id: string): Promise<JobOutcome | undefined> {
    return this.outcomes.get(id) ?? Promise.resolve(undefined);
  }

  stop(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    job.stop();
    return true;
  }

  stopAll(): void {
    for (const job of this.jobs.values()) job.stop();
    for (const job of this.rangeTests) job.stop();
  }

  /** Stops every live run and waits (at most `graceMs`) for their run folders to be finished. */
  async stopAllAndWait(graceMs: number): Promise<void> {
    const pending = [...this.jobs.keys()].map((id) => this.whenDone(id));
    this.stopAll();
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
