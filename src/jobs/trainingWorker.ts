/**
 * The training worker's entry (built to out/worker.js). It runs one job: a training run with the
 * same `runTraining` the CLI uses, so the run folder it writes is the CLI's, relaying readings to the
 * host batched (`ReadingBatcher`: at most ~20 messages a second). Stop requests arrive through the
 * SharedArrayBuffer flag in `workerData` (read between steps) or, between runs, as `run/stop`. Or a
 * learning-rate range test (`findLearningRate`, as `loss-lens lr-find`), one message per stage.
 *
 * Errors are answered with `run/didFail`, never thrown to the host: bad input (config, data) is a
 * message naming the file and key or row; anything else is the error's message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { HostToWorker, WorkerToHost } from '../protocol/worker';
import type { TrainingWorkerData } from './workerJob';
import { ReadingBatcher } from './readingBatcher';
import { runTraining } from '../run/runTraining';
import { findLearningRate } from '../run/findLearningRate';
import type { Calibration } from '../model';
import { ConfigError } from '../config/errors';
import { DataError } from '../data/dataset';

const port = parentPort;
if (!port) throw new Error('trainingWorker.ts runs only as a worker thread');

/**
 * The training thread's niceness (Linux: 0 normal .. 19 lowest). Training saturates a core; when
 * cores are scarce, a lower priority lets the scheduler hand the extension host's own thread (and
 * with it the editor's IPC) the CPU first, so typing never waits for a step. Throughput is unchanged
 * on an idle machine: niceness only matters under contention.
 */
export const WORKER_NICENESS = 10;

/** Linux lets setpriority(2) target one thread by its id, which /proc/thread-self names. */
function lowerThisThreadsPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WORKER_NICENESS);
  } catch {
    // Not Linux, or not permitted: train at normal priority.
  }
}
lowerThisThreadsPriority();

const stopFlag = new Int32Array((workerData as TrainingWorkerData).stopFlag);
const shouldStop = (): boolean => Atomics.load(stopFlag, 0) !== 0;
const send = (message: WorkerToHost): void => port.postMessage(message);

let running = false;

/** One job at a time: a second start while one runs is ignored (the host starts one per worker). */
function runJob(job: () => Promise<void>): void {
  if (running) return;
  running = true;
  void job().finally(() => {
    running = false;
  });
}

port.on('message', (message: HostToWorker) => {
  switch (message.type) {
    case 'run/start':
      runJob(() => train(message));
      return;
    case 'lrFind/start':
      runJob(() => sweep(message));
      return;
    case 'run/stop':
      Atomics.store(stopFlag, 0, 1);
      return;
    default: {
      const unknown: never = message;
      throw new Error(`unknown host message ${JSON.stringify(unknown)}`);
    }
  }
});

async function train(request: Extract<HostToWorker, { type: 'run/start' }>): Promise<void> {
  let calibration: Calibration | undefined;
  const batcher = new ReadingBatcher((batch) => {
    send({ type: 'run/didProgress', steps: batch.steps, epochs: batch.epochs, ...(calibration ? { calibration } : {}) });
    calibration = undefined;
  });
  try {
    const result = await runTraining({
      configPath: request.configPath,
      config: request.config,
      runDir: request.runDir,
      shouldStop,
      onStart: (info) =>
        send({
          type: 'run/didStart',
          runDir: request.runDir,
          classes: info.classes,
          trainRows: info.trainRows,
          validationRows: info.validationRows,
          epochs: info.epochs,
          stepsPerEpoch: info.stepsPerEpoch,
        }),
      onStep: (step) => batcher.addStep({ ...step, layerGradNorms: [...step.layerGradNorms], deadFractions: [...step.deadFractions] }),
      onEpoch: (event, live) => {
        // The reliability diagram is drawn live per epoch from the session's calibration (computed
        // once per epoch in the worker, so the host stays idle).
        calibration = live ?? undefined;
        batcher.addEpoch({ ...event.metrics });
      },
      onFlag: (flag) => {
        batcher.flush();
        send({ type: 'run/didFlag', flag });
      },
    });
    batcher.flush();
    send({ type: 'run/didFinish', reason: result.reason, diagnostics: result.diagnostics });
  } catch (err) {
    batcher.flush();
    fail(err);
  }
}

/** The learning-rate range test: each stage is one message (a sweep has about 40). */
async function sweep(request: Extract<HostToWorker, { type: 'lrFind/start' }>): Promise<void> {
  try {
    const search = await findLearningRate({
      configPath: request.configPath,
      config: request.config,
      shouldStop,
      onPoint: (point, stage, stages) => send({ type: 'lrFind/didProgress', point, stage, stages }),
    });
    send({ type: 'lrFind/didFinish', search });
  } catch (err) {
    fail(err);
  }
}

function fail(err: unknown): void {
  const badInput = err instanceof ConfigError || err instanceof DataError;
  send({ type: 'run/didFail', message: err instanceof Error ? err.message : String(err), badInput });
}
