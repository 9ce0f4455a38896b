/**
 * One benchmark child for the Loss Lens engine: `node out/bench/engine.bench.js <W1|W2> <wasm|js> <seconds>`.
 * Trains the workload through the real `train()` (Adam, ReLU, softmax cross-entropy, shuffling, per-step
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
import { Network } from '../src/engine/network';
import { train } from '../src/engine/trainer';
import { createWasmKernels } from '../src/engine/wasm/wasmKernels';
import { INFERENCE_BATCH, median, syntheticData, WORKLOADS, type Workload } from './workloads';

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

function dataset(w: Workload): EncodedDataset {
  const validationRows = 32;
  const all = syntheticData(w, w.trainRows + validationRows, 7);
  const split = (from: number, rows: number) => ({
    x: all.x.slice(from * w.inputs, (from + rows) * w.inputs), y: all.y.slice(from, from + rows), rows,
    sourceRows: Int32Array.from({ length: rows }, (_, i) => from + i),
  });
  return {
    origin: 'bench', featureNames: Array.from({ length: w.inputs }, (_, i) => `x${i}`),
    classes: Array.from({ length: w.classes }, (_, i) => String(i)),
    train: split(0, w.trainRows), validation: split(w.trainRows, validationRows),
    preprocessing: { target: 'y', standardize: false, columns: [] }, notes: [],
  };
}

/** Epochs of training until `seconds` pass; per-epoch samples/s (wall and steps-only). */
function benchTraining(w: Workload): { wall: number; steps: number; epochs: number } {
  const data = dataset(w);
  // Estimate the epoch time with a short run, then size one run to fill the time budget.
  const probeStart = performance.now();
  train(config(w, 2), data, {}, { kernels });
  const perEpoch = (performance.now() - probeStart) / 2;
  const epochs = Math.max(6, Math.ceil((seconds * 1000) / perEpoch));
  const wall: number[] = [];
  const steps: number[] = [];
  let last = performance.now();
  train(config(w, epochs), data, {
    onEpoch(e) {
      const now = performance.now();
      wall.push(w.trainRows / ((now - last) / 1000));
      steps.push(w.trainRows / (e.metrics.timeMs / 1000));
      last = now;
    },
  }, { kernels });
  const warm = Math.max(1, Math.floor(epochs / 4));
  return { wall: median(wall.slice(warm)), steps: median(steps.slice(warm)), epochs };
}

/** Eval-mode forward passes of INFERENCE_BATCH rows through the engine's Network with these kernels. */
function benchInference(w: Workload): number {
  const shape = { inputSize: w.inputs, hidden: w.hidden, outputs: w.classes, activation: 'relu' as const, dropout: 0, maxRows: INFERENCE_BATCH };
  const arena = kernels.createArena(4 * (w.inputs * 512 + 512 * 512 + INFERENCE_BATCH * (w.inputs + 4 * 512)) + 4096);
  const network = new Network(kernels, arena, shape);
  network.params.set(syntheticData({ ...w, inputs: 1, classes: 1 }, network.params.length, 3).x.subarray(0, network.params.length));
  network.input.set(syntheticData(w, INFERENCE_BATCH, 5).x);
  const rates: number[] = [];
  const until = performance.now() + (seconds * 1000) / 2;
  while (performance.now() < until || rates.length < 8) {
    const reps = 20;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) network.forward(INFERENCE_BATCH, false);
    rates.push((reps * INFERENCE_BATCH) / ((performance.now() - t0) / 1000));
  }
  return median(rates.slice(Math.floor(rates.length / 4)));
}

const training = benchTraining(workload);
const trainingArenaBytes = arenaFloats * 4;
const inference = benchInference(workload);
process.stdout.write(JSON.stringify({
  impl: `engine-${kernels.name === 'js' ? 'js' : 'wasm'}`, workload: workload.name, kernels: kernels.name,
  trainSamplesPerSec: training.wall, trainStepSamplesPerSec: training.steps, epochs: training.epochs,
  inferSamplesPerSec: inference, arenaBytes: trainingArenaBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024,
}) + '\n');
