/**
 * The host side of one training run: one `worker_threads` Worker per run, relaying the typed
 * messages of `src/protocol/worker.ts`. Free of `vscode`, so the benchmark and the unit tests drive
 * it in plain Node exactly as the extension does.
 *
 * Stopping: the host sets a SharedArrayBuffer flag with Atomics. The trainer's `shouldStop` reads
 * it between steps, so a stop lands mid-epoch even while the worker's event loop is blocked inside
 * the synchronous training loop (a posted message would wait for the whole run). A `run/stop`
 * message is posted too, as a fallback for a worker between runs. If the worker still has not
 * finished after STOP_GRACE_MS it is terminated; the run folder keeps what was flushed.
 *
 * Failure: an uncaught error in the worker, a worker exit before its final message, or running out
 * of its memory limit all end the run as `failed` with a message; none of them can take the
 * extension host down, because they only arrive here as events.
 */
import { Worker } from 'node:worker_threads';
import { Disposable, Emitter } from '../dispose';
import type { HostToWorker, WorkerToHost } from '../protocol/worker';
import type { DiagnosticsReport } from '../diagnostics/types';
import type { StopReason } from '../engine/events';

export type StartRequest = Extract<HostToWorker, { type: 'run/start' }>;
export type StartInfo = Extract<WorkerToHost, { type: 'run/didStart' }>;
export type ProgressBatch = Extract<WorkerToHost, { type: 'run/didProgress' }>;

/** How a job ended. `stopped` = the user asked; `completed` includes early stopping and divergence. */
export type JobOutcome =
  | { readonly state: 'completed' | 'stopped'; readonly reason: StopReason; readonly diagnostics: DiagnosticsReport | null }
  | { readonly state: 'failed'; readonly error: string; readonly badInput: boolean };

/** The data handed to the worker at construction (`workerData`). */
export interface TrainingWorkerData {
  /** Int32Array over this buffer; element 0 becomes 1 when the host asks the run to stop. */
  readonly stopFlag: SharedArrayBuffer;
}

/** A stop normally lands within one step; this bounds a step that never returns. */
export const STOP_GRACE_MS = 5_000;
/**
 * The worker's own V8 heap limit: a runaway run dies with ERR_WORKER_OUT_OF_MEMORY instead of
 * growing the extension host's process until the OS kills the editor's extensions with it.
 */
export const WORKER_HEAP_LIMIT_MB = 2048;

export class TrainingJob extends Disposable {
  private readonly worker: Worker;
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private outcome: JobOutcome | undefined;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private stopRequested = false;
  private resolveDone!: (outcome: JobOutcome) => void;

  private readonly startEmitter = this._register(new Emitter<StartInfo>());
  private readonly progressEmitter = this._register(new Emitter<ProgressBatch>());
  private readonly flagEmitter = this._register(new Emitter<Extract<WorkerToHost, { type: 'run/didFlag' }>['flag']>());

  /** Fires once the data is loaded and training begins. */
  readonly onDidStart = this.startEmitter.event;
  /** Fires per batch of readings (at most ~20 a second: the worker batches). */
  readonly onDidProgress = this.progressEmitter.event;
  /** Fires when a detector raises or escalates a flag. */
  readonly onDidFlag = this.flagEmitter.event;
  /** Settles exactly once, never rejects. */
  readonly done: Promise<JobOutcome>;

  constructor(workerPath: string, request: StartRequest) {
    super();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const workerData: TrainingWorkerData = { stopFlag: this.stopFlag.buffer as SharedArrayBuffer };
    this.worker = new Worker(workerPath, {
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_LIMIT_MB },
      // The worker's console goes to the host's stderr; it has nothing to read from stdin.
      stdin: false,
    });
    this.worker.on('message', (raw: WorkerToHost) => this.onMessage(raw));
    this.worker.on('error', (err: Error) => this.end({ state: 'failed', error: describeWorkerError(err), badInput: false }));
    this.worker.on('messageerror', (err: Error) => this.end({ state: 'failed', error: `A message from the training worker could not be read: ${err.message}`, badInput: false }));
    this.worker.on('exit', (code: number) => {
      if (this.outcome) return;
      if (this.stopRequested) this.end({ state: 'stopped', reason: 'stopped', diagnostics: null });
      else this.end({ state: 'failed', error: `The training worker exited unexpectedly (exit code ${code}).`, badInput: false });
    });
    this.post(request);
  }

  get finished(): boolean {
    return this.outcome !== undefined;
  }

  /** Asks the run to stop between steps; what was measured is kept and the run folder finished. */
  stop(): void {
    if (this.outcome || this.stopRequested) return;
    this.stopRequested = true;
    Atomics.store(this.stopFlag, 0, 1);
    this.post({ type: 'run/stop' });
    this.stopTimer = setTimeout(() => void this.worker.terminate(), STOP_GRACE_MS);
  }

  private post(message: HostToWorker): void {
    try {
      this.worker.postMessage(message);
    } catch (err) {
      this.end({ state: 'failed', error: `Could not reach the training worker: ${(err as Error).message}`, badInput: false });
    }
  }

  private onMessage(message: WorkerToHost): void {
    if (this.outcome) return;
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
        this.end({ state: message.reason === 'stopped' ? 'stopped' : 'completed', reason: message.reason, diagnostics: message.diagnostics });
        return;
      case 'run/didFail':
        this.end({ state: 'failed', error: message.message, badInput: message.badInput });
        return;
      default: {
        const unknown: never = message;
        console.error('[loss-lens] unknown worker message', unknown);
      }
    }
  }

  private end(outcome: JobOutcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    // The worker has sent its last message (or is broken): free its thread and memory.
    void this.worker.terminate();
    this.resolveDone(outcome);
  }

  override dispose(): void {
    this.stop();
    if (!this.outcome) {
      this.end({ state: 'stopped', reason: 'stopped', diagnostics: null });
    }
    super.dispose();
  }
}

function describeWorkerError(err: Error & { code?: string }): string {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') return `The training run ran out of memory (limit ${WORKER_HEAP_LIMIT_MB} MB): try a smaller model, batch size or dataset.`;
  return `The training worker failed: ${err.message}`;
}
