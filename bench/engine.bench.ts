/**
 * One benchmark child for the Loss Lens engine: `node out/bench/engine.bench.js <W1|W2> <wasm|js> <seconds>`.
 * Trains the workload through the real `trainConfig()` (Adam, ReLU, softmax cross-entropy, shuffling, per-step
 * statistics: exactly what a user's run does) and times forward passes in eval mode; prints one JSON line.
 *
 * Training samples/s per epoch: `wall` = the epoch's wall clock (everything the user waits for; the
 * validation split is 32 rows), `steps` = the epoch's `timeMs` (what the run folder records). The
 * figure is the median over epochs after the first ones (WebAssembly tier-up, JIT warm-up).
 */
import type { LossLensConfig } from '../src/config/types';
import type { EncodedDataset } from '../src/data/dataset';
import { jsKernels } from '../src/engine/jsKernels';
import type { Kernels } from '../src/engine/kernels';
import { Network, networkFootprint } from '../src/engine/network';
import { trainConfig } from '../test/unit/helpers/config';
import { createWasmKernels } from '../src/engine/wasm/wasmKernels';
import { compileKernelsOptimized } from '../src/run/wasmTier';
import { INFERENCE_BATCH, median, syntheticData, WORKLOADS, type Workload } from './workloads';

// As the product compiles them (runTraining): TurboFan from the first call.
compileKernelsOptimized();

const [workloadName = 'W1', kernelName = 'wasm', secondsArg = '2'] = process.argv.slice(2);
const workload = WORKLOADS[workloadName];
if (!workload) throw new Error(`unknown workload ${workloadName}`);
const seconds = Number(secondsArg);

let arenaFloats = 0;
function chooseKernels(): Kernels {
  const base = kernelName === 'js' ? jsKernels : createWasmKernels(jsKernels);
  // Records the arena size for the memory report; everything else goes straight through.
  return { ...base, createArena: (floats: number) => ((arenaFloats = Math.max(arenaFloats, floats)), base.createArena(floats)) };
}
const kernels = chooseKernels();

function config(w: Workload, epochs: number): LossLensConfig {
  return {
    name: 'bench', seed: 1,
    data: { source: 'bench', validationSplit: 0.2, standardize: false, missing: 'error', shuffle: true, synthetic: { samples: 0, noise: 0 } },
    model: { hidden: w.hidden, activation: 'relu', dropout: 0, output: 'softmax', init: 'he' },
    loss: { labelSmoothing: 0, classWeights: 'none' },
    optimizer: { type: 'adam', learningRate: 0.001, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    regularization: { l1: 0, l2: 0 },
    training: { epochs, batchSize: w.batch, gradientClip: null, earlyStopping: false },
    diagnostics: {},
  };
}

function dataset(w: Workload, trainRows: number): EncodedDataset {
  const validationRows = 32;
  const all = syntheticData(w, trainRows + validationRows, 7);
  const split = (from: number, rows: number) => ({
    x: all.x.slice(from * w.inputs, (from + rows) * w.inputs), y: all.y.slice(from, from + rows), rows,
    sourceRows: Int32Array.from({ length: rows }, (_, i) => from + i),
  });
  return {
    origin: 'bench', featureNames: Array.from({ length: w.inputs }, (_, i) => `x${i}`),
    classes: Array.from({ length: w.classes }, (_, i) => String(i)),
    train: split(0, trainRows), validation: split(trainRows, validationRows),
    preprocessing: { target: 'y', standardize: false, columns: [] }, notes: [],
  };
}

/** Process CPU seconds (user + system): robust to other processes on a shared machine. */
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export interface Rates {
  /** Samples per wall-clock second: what a user waits for. */
  readonly wall: number;
  /** Samples per CPU second of this process. */
  readonly cpu: number;
}

/**
 * Epochs of training sized to fill `seconds`: per-epoch samples/s, median over the epochs after
 * the first (the probe run already warmed the JIT and WebAssembly tier-up).
 */
function benchTraining(w: Workload): Rates & { steps: number; epochs: number; rows: number } {
  const full = dataset(w, w.trainRows);
  const probeRows = Math.min(w.trainRows, 8 * w.batch);
  const probeStart = performance.now();
  trainConfig(config(w, 2), dataset(w, probeRows), {}, { kernels });
  const stepMs = (performance.now() - probeStart) / (2 * (probeRows / w.batch));
  const epochs = 7;
  const batches = Math.max(4, Math.min(w.trainRows / w.batch, Math.round((seconds * 1000) / epochs / stepMs)));
  const rows = batches * w.batch;
  const data = rows === w.trainRows ? full : dataset(w, rows);
  const wall: number[] = [];
  const cpu: number[] = [];
  const steps: number[] = [];
  let [lastWall, lastCpu] = [performance.now(), cpuSeconds()];
  trainConfig(config(w, epochs), data, {
    onEpoch(e) {
      const [nowWall, nowCpu] = [performance.now(), cpuSeconds()];
      wall.push(rows / ((nowWall - lastWall) / 1000));
      cpu.push(rows / (nowCpu - lastCpu));
      steps.push(rows / (e.metrics.timeMs / 1000));
      [lastWall, lastCpu] = [nowWall, nowCpu];
    },
  }, { kernels });
  return { wall: median(wall.slice(1)), cpu: median(cpu.slice(1)), steps: median(steps.slice(1)), epochs, rows };
}

/** Eval-mode forward passes of INFERENCE_BATCH rows through the engine's Network with these kernels. */
function benchInference(w: Workload): Rates {
  const shape = { inputSize: w.inputs, hidden: w.hidden, outputs: w.classes, activation: 'relu' as const, dropout: 0, maxRows: INFERENCE_BATCH };
  const arena = kernels.createArena(networkFootprint(shape));
  const network = new Network(kernels, arena, shape);
  network.params.set(syntheticData({ ...w, inputs: 1, classes: 1 }, network.params.length, 3).x.subarray(0, network.params.length));
  network.input.set(syntheticData(w, INFERENCE_BATCH, 5).x);
  const wall: number[] = [];
  const cpu: number[] = [];
  const reps = Math.max(1, Math.round(20 * 64 / w.inputs));
  const until = performance.now() + (seconds * 1000) / 2;
  network.forward(INFERENCE_BATCH, false);
  while (performance.now() < until || wall.length < 8) {
    const [t0, c0] = [performance.now(), cpuSeconds()];
    for (let r = 0; r < reps; r++) network.forward(INFERENCE_BATCH, false);
    wall.push((reps * INFERENCE_BATCH) / ((performance.now() - t0) / 1000));
    cpu.push((reps * INFERENCE_BATCH) / Math.max(1e-6, cpuSeconds() - c0));
  }
  return { wall: median(wall.slice(1)), cpu: median(cpu.slice(1)) };
}

const training = benchTraining(workload);
const trainingArenaBytes = arenaFloats * 4;
const inference = benchInference(workload);
process.stdout.write(JSON.stringify({
  impl: `engine-${kernelName === 'js' ? 'js' : 'wasm'}`, workload: workload.name, kernels: kernels.name,
  train: { wall: training.wall, cpu: training.cpu }, trainStepsOnly: training.steps, epochRows: training.rows,
  infer: inference, arenaBytes: trainingArenaBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024,
}) + '\n');
