/**
 * The host side of one training run: a `WorkerJob` (one worker per run) that reads the run's
 * messages of `src/protocol/worker.ts` (start, batched progress, flags, finish). The editor and the
 * CLI both run training through it (sources/trainerSource.ts turns it into a run source).
 */
import { Emitter } from '../dispose';
import type { DiagnosticsReport, Flag, RunReading, StopReason, TrainingOutcomeSummary } from '../model';
import type { HostToWorker, WorkerToHost } from '../protocol/worker';
import { WorkerJob, type JobFailure } from './workerJob';

export { STOP_GRACE_MS, WORKER_HEAP_LIMIT_MB, type TrainingWorkerData } from './workerJob';

export type StartRequest = Extract<HostToWorker, { type: 'run/start' }>;
export type StartInfo = Extract<RunReading, { type: 'run/didStart' }>;
export type ProgressBatch = Extract<RunReading, { type: 'run/didProgress' }>;

/** How a run ended without failing. `stopped` = the user asked; `completed` includes early stopping and divergence. */
export type RunEnd = { readonly state: 'completed' | 'stopped'; readonly reason: StopReason; readonly diagnostics: DiagnosticsReport | null; readonly summary?: TrainingOutcomeSummary };
/** How a job ended. */
export type JobOutcome = RunEnd | JobFailure;

export class TrainingJob extends WorkerJob<RunEnd> {
  private readonly startEmitter = this._register(new Emitter<StartInfo>());
  private readonly progressEmitter = this._register(new Emitter<ProgressBatch>());
  private readonly flagEmitter = this._register(new Emitter<Flag>());

  /** Fires once the data is loaded and training begins. */
  readonly onDidStart = this.startEmitter.event;
  /** Fires per batch of readings (at most ~20 a second: the worker batches). */
  readonly onDidProgress = this.progressEmitter.event;
  /** Fires when a detector raises or escalates a flag. */
  readonly onDidFlag = this.flagEmitter.event;

  constructor(workerPath: string, request: StartRequest) {
    super(workerPath, request);
  }

  protected handle(message: WorkerToHost): void {
    switch (message.type) {
      case 'run/didStart':
        this.startEmitter.fire(message);
        return;
      case 'run/didProgress':
        this.progressEmitter.fire(message);
        return;
      case 'run/didFlag':
        this.flagEmitter.fire(message.flag);
        return;
      case 'run/didFinish':
        this.end({ state: message.reason === 'stopped' ? 'stopped' : 'completed', reason: message.reason, diagnostics: message.diagnostics, summary: message.summary });
        return;
      default:
        console.error('[loss-lens] unexpected message from a training worker', message.type);
    }
  }

  protected stoppedOutcome(): RunEnd {
    return { state: 'stopped', reason: 'stopped', diagnostics: null };
  }
}
