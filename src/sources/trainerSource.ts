/** The bundled trainer as a run source: one TrainingJob (one worker), its messages relayed as readings. */
import type { RunEnd } from '../model';
import { TrainingJob, type JobOutcome, type StartRequest } from '../worker/trainingJob';
import { failureOf, type StopCause } from '../worker/workerJob';
import type { ReadingSink, RunSource } from './runSource';

export class TrainerSource implements RunSource {
  readonly origin = 'live' as const;
  private job: TrainingJob | undefined;
  private stopRequested = false;

  constructor(
    private readonly workerPath: string,
    private readonly request: StartRequest,
  ) {}

  start(sink: ReadingSink): void {
    if (this.job) throw new Error('a TrainerSource starts once');
    const job = (this.job = new TrainingJob(this.workerPath, this.request));
    job.onDidStart((start) => sink(start));
    job.onDidProgress((progress) => sink(progress));
    job.onDidFlag((flag) => sink({ type: 'run/didFlag', flag }));
    void job.done.then((outcome) => sink({ type: 'run/didEnd', end: runEnd(outcome) }));
    if (this.stopRequested) job.stop();
  }

  stop(cause: StopCause = 'user'): void {
    this.stopRequested = true;
    this.job?.stop(cause);
  }

  /** Ends the worker at once (a second Ctrl-C); the folder keeps the epochs already flushed. */
  kill(): Promise<void> {
    return this.job?.kill() ?? Promise.resolve();
  }

  dispose(): void {
    this.job?.dispose();
  }
}

export function runEnd(outcome: JobOutcome): RunEnd {
  if (outcome.state === 'failed') return { state: 'failed', failure: failureOf(outcome), ...(outcome.stack ? { stack: outcome.stack } : {}) };
  return { state: outcome.state, reason: outcome.reason, diagnostics: outcome.diagnostics, ...(outcome.summary ? { summary: outcome.summary } : {}) };
}
