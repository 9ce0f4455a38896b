/**
 * One job on its own `worker_threads` Worker (out/worker.js): the lifecycle every job shares, for
 * the editor and the CLI alike. A stop sets a SharedArrayBuffer flag the engine reads between steps
 * (the worker's event loop is busy inside the training loop), and the worker is terminated if it has
 * not finished STOP_GRACE_MS later. A crash, an early exit or running out of memory ends the job as
 * `failed`: they arrive here as events, so none can take the host down. Free of `vscode`.
 */
import { Worker } from 'node:worker_threads';
import { Disposable } from '../dispose';
import type { Failure, InputLocation } from '../model';
import type { HostToWorker, WorkerToHost } from '../protocol/worker';

/** How any job fails: `badInput` when the message names a file and key or row (config, data; `where` says which). */
export interface JobFailure {
  readonly state: 'failed';
  readonly error: string;
  readonly badInput: boolean;
  readonly where?: InputLocation;
  /** A bug's stack trace from the worker, for logs (never shown as the message). */
  readonly stack?: string;
}

/** The failure a job reports, as the run model's Failure. */
export function failureOf(outcome: JobFailure): Failure {
  return { message: outcome.error, badInput: outcome.badInput, ...outcome.where };
}

/** The data handed to the worker at construction (`workerData`). */
export interface TrainingWorkerData {
  /** Int32Array over this buffer; element 0 becomes 1 when the host asks the job to stop. */
  readonly stopFlag: SharedArrayBuffer;
}

export type StopCause = 'user' | 'shutdown';
/** What the shared stop flag holds: 0 = go on, else why to stop (read in the worker by stopCauseOf). */
export const STOP_FLAG_VALUES: Readonly<Record<StopCause, number>> = { user: 1, shutdown: 2 };

export function stopCauseOf(flag: number): StopCause | undefined {
  return flag === STOP_FLAG_VALUES.shutdown ? 'shutdown' : flag !== 0 ? 'user' : undefined;
}

/** A stop normally lands within one step; this bounds a step that never returns. */
export const STOP_GRACE_MS = 5_000;
/**
 * The worker's own V8 heap limit: a runaway run dies with ERR_WORKER_OUT_OF_MEMORY instead of
 * growing the extension host's process until the OS kills the editor's extensions with it. It
 * covers the JS heap only, not the WebAssembly memory holding the weights, gradients and optimizer
 * state: those are bounded before anything is allocated, together with the JS side, by
 * MAX_TRAINING_MEMORY_BYTES (src/engine/footprint.ts), which a run that is too large names as
 * `model.hidden`. This limit is the backstop for what that estimate cannot see.
 */
export const WORKER_HEAP_LIMIT_MB = 2048;

const bug = (message: string): JobFailure => ({ state: 'failed', error: message, badInput: false });

export abstract class WorkerJob<TOutcome extends { readonly state: string }> extends Disposable {
  private readonly worker: Worker;
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private outcome: TOutcome | JobFailure | undefined;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private stopRequested = false;
  private resolveDone!: (outcome: TOutcome | JobFailure) => void;

  /** Settles exactly once, never rejects. */
  readonly done: Promise<TOutcome | JobFailure>;

  constructor(workerPath: string, request: HostToWorker) {
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
    this.worker.on('error', (err: Error) => this.end(bug(describeWorkerError(err))));
    this.worker.on('messageerror', (err: Error) => this.end(bug(`A message from the training worker could not be read: ${err.message}`)));
    this.worker.on('exit', (code: number) => {
      if (this.outcome) return;
      if (this.stopRequested) this.end(this.stoppedOutcome());
      else this.end(bug(`The training worker exited unexpectedly (exit code ${code}).`));
    });
    this.post(request);
  }

  get finished(): boolean {
    return this.outcome !== undefined;
  }

  /**
   * Asks the job to stop between steps; what was measured is kept. `shutdown`: the editor is going
   * away, and the run folder records the run as interrupted rather than stopped by the user.
   */
  stop(cause: StopCause = 'user'): void {
    if (this.outcome || this.stopRequested) return;
    this.stopRequested = true;
    Atomics.store(this.stopFlag, 0, STOP_FLAG_VALUES[cause]);
    this.post({ type: 'run/stop' });
    this.stopTimer = setTimeout(() => void this.worker.terminate(), STOP_GRACE_MS);
  }

  /** Ends the worker at once (a second Ctrl-C): metrics.jsonl keeps the epochs already flushed. */
  kill(): Promise<void> {
    this.stopRequested = true;
    return this.worker.terminate().then(() => undefined);
  }

  /** The job's own messages (a failure is handled here). */
  protected abstract handle(message: WorkerToHost): void;
  /** The outcome when the worker is gone after a stop request, without a final message. */
  protected abstract stoppedOutcome(): TOutcome;

  private post(message: HostToWorker): void {
    try {
      this.worker.postMessage(message);
    } catch (err) {
      this.end(bug(`Could not reach the training worker: ${(err as Error).message}`));
    }
  }

  private onMessage(message: WorkerToHost): void {
    if (this.outcome) return;
    if (message.type === 'job/didFail') {
      const { message: error, badInput, ...where } = message.failure;
      this.end({ state: 'failed', error, badInput, ...(Object.keys(where).length ? { where } : {}), ...(message.stack ? { stack: message.stack } : {}) });
    }
    else this.handle(message);
  }

  protected end(outcome: TOutcome | JobFailure): void {
    if (this.outcome) return;
    this.outcome = outcome;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    // The worker has sent its last message (or is broken): free its thread and memory.
    void this.worker.terminate();
    this.resolveDone(outcome);
  }

  override dispose(): void {
    this.stop();
    if (!this.outcome) this.end(this.stoppedOutcome());
    super.dispose();
  }
}

function describeWorkerError(err: Error & { code?: string }): string {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') return `The training run ran out of JS heap (limit ${WORKER_HEAP_LIMIT_MB} MB): try a smaller model, batch size or dataset.`;
  return `The training worker failed: ${err.message}`;
}
