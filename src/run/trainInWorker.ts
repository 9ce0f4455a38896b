/**
 * Runs `runTraining` on a worker thread for the CLI. The training loop is synchronous, so on the
 * main thread a Ctrl-C could not be seen until the run ended; on a worker, the main thread's SIGINT
 * handler sets a SharedArrayBuffer flag that `shouldStop` reads between steps (Atomics), and the run
 * folder is finished with what was measured. The worker runs the CLI's own bundle (`entryFile`), which
 * dispatches here when `isCliTrainingWorker()`.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { LoadedConfig } from '../config/load';
import type { DiagnosticsReport, EpochMetrics, Flag, StopReason } from '../model';
import { describeError, isBadInput } from './badInput';
import { runTraining, type RunStartInfo } from './runTraining';

const WORKER_KEY = 'lossLensCliTraining';

interface WorkerInput {
  readonly [WORKER_KEY]: true;
  readonly loaded: LoadedConfig;
  readonly runDir?: string;
  readonly stopFlag: SharedArrayBuffer;
}

/** Where a long epoch is, for the live line (sent at most every STEP_PROGRESS_MS). */
export interface StepProgress {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
}

/** A person notices a frozen line after ~1/4 s; more often would only cost messages. */
export const STEP_PROGRESS_MS = 250;

export interface TrainingOutcome {
  readonly runDir: string;
  readonly reason: StopReason;
  readonly diagnostics: DiagnosticsReport;
  readonly epochs: number;
  readonly bestEpoch: number | null;
  readonly restoredBest: boolean;
  readonly last?: EpochMetrics;
}

type WorkerMessage =
  | { readonly type: 'start'; readonly info: RunStartInfo }
  | { readonly type: 'epoch'; readonly metrics: EpochMetrics }
  | { readonly type: 'step'; readonly step: StepProgress }
  | { readonly type: 'flag'; readonly flag: Flag }
  | { readonly type: 'done'; readonly outcome: TrainingOutcome }
  | { readonly type: 'fail'; readonly message: string; readonly badInput: boolean; readonly stack?: string };

/** A failure carried back from the worker; `badInput` decides exit 2 vs 1. */
export class WorkerFailure extends Error {
  constructor(
    message: string,
    readonly badInput: boolean,
    readonly workerStack?: string,
  ) {
    super(message);
    this.name = 'WorkerFailure';
  }
}

export function isCliTrainingWorker(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && (workerData as Record<string, unknown>)[WORKER_KEY] === true;
}

export interface TrainInWorkerOptions {
  readonly entryFile: string;
  readonly loaded: LoadedConfig;
  readonly runDir?: string;
  readonly onStart?: (info: RunStartInfo) => void;
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onStep?: (step: StepProgress) => void;
  readonly onFlag?: (flag: Flag) => void;
}

export interface TrainingHandle {
  readonly done: Promise<TrainingOutcome>;
  /** Ask the run to stop between steps (it still writes its folder). */
  stop(): void;
  /** Kill the worker now (a second Ctrl-C); metrics.jsonl keeps the epochs already flushed. */
  kill(): Promise<number>;
}

export function trainInWorker(options: TrainInWorkerOptions): TrainingHandle {
  const stopFlag = new SharedArrayBuffer(4);
  const input: WorkerInput = { [WORKER_KEY]: true, loaded: options.loaded, ...(options.runDir ? { runDir: options.runDir } : {}), stopFlag };
  const worker = new Worker(options.entryFile, { workerData: input });
  const done = new Promise<TrainingOutcome>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'start':
          options.onStart?.(message.info);
          return;
        case 'epoch':
          options.onEpoch?.(message.metrics);
          return;
        case 'step':
          options.onStep?.(message.step);
          return;
        case 'flag':
          options.onFlag?.(message.flag);
          return;
        case 'done':
          settled = true;
          resolve(message.outcome);
          return;
        case 'fail':
          settled = true;
          reject(new WorkerFailure(message.message, message.badInput, message.stack));
          return;
        default: {
          const unknown: never = message;
          reject(new Error(`unknown worker message ${JSON.stringify(unknown)}`));
        }
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the training worker exited (code ${code}) before finishing`));
    });
  });
  return {
    done,
    stop: () => Atomics.store(new Int32Array(stopFlag), 0, 1),
    kill: () => worker.terminate(),
  };
}

/** The worker side: run, relay, report. Never throws to the main thread. */
export async function runCliTrainingWorker(): Promise<void> {
  const port = parentPort!;
  const input = workerData as WorkerInput;
  const stop = new Int32Array(input.stopFlag);
  const send = (message: WorkerMessage): void => port.postMessage(message);
  let last: EpochMetrics | undefined;
  let lastStepSent = Date.now();
  try {
    const result = await runTraining({
      loaded: input.loaded,
      ...(input.runDir ? { runDir: input.runDir } : {}),
      shouldStop: () => Atomics.load(stop, 0) !== 0,
      onStart: (info) => send({ type: 'start', info }),
      onStep: (step) => {
        const now = Date.now();
        if (now - lastStepSent < STEP_PROGRESS_MS) return;
        lastStepSent = now;
        send({ type: 'step', step: { epoch: step.epoch, batch: step.batch, loss: step.loss } });
      },
      onEpoch: (event) => {
        last = { ...event.metrics };
        send({ type: 'epoch', metrics: last });
      },
      onFlag: (flag) => send({ type: 'flag', flag }),
    });
    send({
      type: 'done',
      outcome: {
        runDir: result.runDir,
        reason: result.reason,
        diagnostics: JSON.parse(JSON.stringify(result.diagnostics)) as DiagnosticsReport,
        epochs: result.summary.epochs,
        bestEpoch: result.summary.bestEpoch,
        restoredBest: result.summary.restoredBest,
        ...(last ? { last } : {}),
      },
    });
  } catch (error) {
    send({ type: 'fail', message: describeError(error), badInput: isBadInput(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
  }
}
