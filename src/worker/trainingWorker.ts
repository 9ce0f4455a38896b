/**
 * The training worker's entry (built to out/worker.js), the one the editor and the CLI both start.
 * It runs one job: a training run (`runTraining`), relaying readings batched (`ReadingBatcher`: at
 * most ~20 messages a second), or a learning-rate range test (`findLearningRate`), one message per
 * stage. Stop requests arrive through the SharedArrayBuffer flag in `workerData` (read between
 * steps) or, between jobs, as `run/stop`. Errors are answered with `job/didFail` (describeFailure:
 * bad input names the file and key or row), never thrown to the host.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { HostToWorker, WorkerToHost } from '../protocol/worker';
import { stopCauseOf, type StopCause, type TrainingWorkerData } from './workerJob';
import { ReadingBatcher } from './readingBatcher';
import { runTraining } from '../run/runTraining';
import { findLearningRate } from '../run/findLearningRate';
import { describeFailure, type Calibration } from '../model';

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
const stopCause = (): StopCause | undefined => stopCauseOf(Atomics.load(stopFlag, 0));
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
      ...(request.runDir !== undefined ? { runDir: request.runDir } : {}),
      ...(request.runsFolder !== undefined ? { runsFolder: request.runsFolder } : {}),
      ...(request.replace ? { replace: true } : {}),
      ...(request.workspaceRoots ? { workspaceRoots: request.workspaceRoots } : {}),
      shouldStop,
      stopCause,
      onStart: (info) =>
        send({
          type: 'run/didStart',
          name: info.config.name,
          runDir: info.runDir,
          classes: info.classes,
          features: info.featureNames.length,
          trainRows: info.trainRows,
          validationRows: info.validationRows,
          epochs: info.epochs,
          stepsPerEpoch: info.stepsPerEpoch,
          notes: info.notes,
          config: { ...info.config },
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
    const { epochs, bestEpoch, restoredBest } = result.summary;
    send({ type: 'run/didFinish', reason: result.reason, diagnostics: result.diagnostics, summary: { epochs, bestEpoch, restoredBest } });
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
  const failure = describeFailure(err);
  // A bug's stack travels along for the log (the CLI prints it with LOSSLENS_DEBUG); the user reads the message.
  send({ type: 'job/didFail', failure, ...(!failure.badInput && err instanceof Error && err.stack ? { stack: err.stack } : {}) });
}
