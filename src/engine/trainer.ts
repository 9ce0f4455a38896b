/**
 * The training loop: `train(config, data, listener, options)` runs synchronously (in the worker
 * thread or the CLI), emits a StepStats per optimizer step and an EpochEvent per epoch, and returns
 * a TrainingSummary with the final (or restored best) model.
 *
 * One step is a PyTorch training step (trainingStep.ts). Batches are the training rows in order
 * (torch DataLoader(shuffle=False)) or reshuffled every epoch from the run's 'shuffle' stream; the
 * last partial batch is kept.
 *
 * With earlyStopping.restoreBest the best epoch's weights are restored however the run ends
 * (completed, early-stopped, stopped or diverged), so predictions and model.json come from them.
 * Epoch events carry freshly allocated outputs: receivers may keep them.
 */
import type { LossLensConfig, OutputKind } from '../config/types';
import type { EncodedDataset, Split } from '../data/dataset';
import { resolveClassWeights } from './classWeights';
import { EarlyStopping } from './earlyStopping';
import { TrainingInputError } from './errors';
import type { EpochMetrics, SplitOutputs, StopReason } from '../model';
import type { TrainingListener, TrainingSummary } from './events';
import { initializeWeights, loadWeights } from './init';
import type { Kernels } from './kernels';
import { type Criterion, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy } from './losses';
import { checkModelFits, modelFromNetwork, type ModelJson } from './modelJson';
import { Network, networkFootprint, parameterCount } from './network';
import { createOptimizer, optimizerFootprint } from './optimizers';
import { Rng } from '../rng';
import { SplitEvaluator } from './splitEvaluator';
import { TrainingStep } from './trainingStep';
import { createKernels } from './wasm';

export interface TrainOptions {
  /** Checked between steps; true stops the run with reason 'stopped' (what was measured is kept). */
  readonly shouldStop?: () => boolean;
  /** Also emit training-set outputs (eval mode, row order) with every epoch. */
  readonly recordTrainOutputs?: boolean;
  /** The numeric kernels (default: `createKernels()`, WebAssembly SIMD where available, else `jsKernels`). */
  readonly kernels?: Kernels;
  /** Initial weights (the parsed file `model.init` names) instead of He/Xavier initialisation. */
  readonly initialModel?: ModelJson;
}

/**
 * Rows per forward pass when evaluating a whole split, at least: batch buffers are
 * max(batch, this) rows tall. 256 made W1's arena (batch 32) 2.4x what training needs, against
 * issue #3's peak-memory goal of 2x; 32 keeps evaluation out of per-row calls for tiny batches.
 */
const EVALUATION_CHUNK_ROWS = 32;

/** "auto" is sigmoid for two classes, softmax otherwise (contract §1). */
export function resolveOutput(setting: OutputKind | 'auto', classCount: number): OutputKind {
  if (setting === 'auto') return classCount === 2 ? 'sigmoid' : 'softmax';
  if (setting === 'sigmoid' && classCount !== 2) {
    throw new TrainingInputError(`model.output "sigmoid" needs a binary task, but the data has ${classCount} classes; use "softmax" or "auto"`, undefined, 'model.output');
  }
  return setting;
}

export function train(config: LossLensConfig, data: EncodedDataset, listener: TrainingListener, options: TrainOptions = {}): TrainingSummary {
  const kernels = options.kernels ?? createKernels();
  const classCount = data.classes.length;
  const inputSize = data.featureNames.length;
  const output = resolveOutput(config.model.output, classCount);
  const outputs = output === 'sigmoid' ? 1 : classCount;
  const trainRows = data.train.rows;
  checkSplit(data.train, inputSize, classCount, 'training');
  checkSplit(data.validation, inputSize, classCount, 'validation');
  if (trainRows === 0) throw new TrainingInputError('the training split has no rows', undefined, 'data');
  const batchSize = Math.max(1, Math.min(config.training.batchSize, trainRows));
  if (!(config.model.dropout >= 0 && config.model.dropout < 1)) {
    throw new TrainingInputError(`model.dropout must be in [0, 1), got ${config.model.dropout}`, undefined, 'model.dropout');
  }

  const shape = {
    inputSize,
    hidden: config.model.hidden,
    outputs,
    activation: config.model.activation,
    dropout: config.model.dropout,
    maxRows: Math.max(batchSize, EVALUATION_CHUNK_ROWS),
  };
  const paramCount = parameterCount(shape);
  const arena = kernels.createArena(networkFootprint(shape) + optimizerFootprint(config.optimizer, paramCount) + paramCount + 64);
  const network = new Network(kernels, arena, shape);
  const rng = Rng.forRun(config.seed);
  const initRng = rng.stream('init');
  const shuffleRng = rng.stream('shuffle');
  const dropoutRng = rng.stream('dropout');

  const init = config.model.init;
  if (options.initialModel !== undefined) {
    const file = init === 'he' || init === 'xavier' ? 'the initial model' : init;
    checkModelFits(options.initialModel, { inputSize, hidden: config.model.hidden, activation: config.model.activation, output, classes: data.classes }, file);
    loadWeights(network, options.initialModel);
  } else if (init === 'he' || init === 'xavier') {
    initializeWeights(network, init, initRng);
  } else {
    throw new TrainingInputError(`model.init names "${init}", but that model file was not loaded (pass it as initialModel)`, undefined, 'model.init');
  }

  const optimizer = createOptimizer(config.optimizer, network.params, network.grads, kernels, arena);
  const weights = resolveClassWeights(config.loss.classWeights, data.classes, data.train.y, trainRows);
  const criterion: Criterion = output === 'sigmoid'
    ? new SigmoidBinaryCrossEntropy(weights)
    : new SoftmaxCrossEntropy(classCount, config.loss.labelSmoothing, weights);
  const stopping = new EarlyStopping(config.training.earlyStopping, arena.take(paramCount));
  const evaluator = new SplitEvaluator(network, criterion, output, classCount);

  const learningRate = config.optimizer.learningRate;
  const trainingStep = new TrainingStep(network, criterion, optimizer, dropoutRng, {
    l1: config.regularization.l1,
    l2: config.regularization.l2,
    gradientClip: config.training.gradientClip,
    learningRate,
  });
  const order = new Int32Array(trainRows);
  for (let i = 0; i < trainRows; i++) order[i] = i;
  const labels = new Int32Array(shape.maxRows);
  const stepsPerEpoch = Math.ceil(trainRows / batchSize);

  let reason: StopReason = 'completed';
  let step = 0;
  let epochsRecorded = 0;
  let lastValidation: SplitOutputs | null = null;

  for (let epoch = 1; epoch <= config.training.epochs; epoch++) {
    if (config.data.shuffle) shuffleRng.shuffle(order);
    let lossSum = 0;
    let normSum = 0;
    let correct = 0;
    let seen = 0;
    let stepsTaken = 0;
    let timeMs = 0;
    let diverged = false;
    let stopped = false;

    for (let batch = 0; batch < stepsPerEpoch; batch++) {
      if (options.shouldStop?.() === true) {
        stopped = true;
        break;
      }
      const start = batch * batchSize;
      const rows = Math.min(batchSize, trainRows - start);
      gatherRows(data.train, order, start, rows, network.input, labels, inputSize);

      const stats = trainingStep.run(rows, labels, ++step, epoch, batch);
      stepsTaken++;
      timeMs += stats.timeMs;
      lossSum += stats.loss;
      normSum += stats.gradNorm;
      correct += trainingStep.correct;
      seen += rows;
      listener.onStep?.(stats);
      if (!network.parametersFinite()) {
        diverged = true;
        break;
      }
    }

    // A stop before this epoch's first step leaves nothing to record; a partial epoch is recorded
    // with what its steps measured.
    if (stepsTaken === 0) {
      if (stopped) reason = 'stopped';
      break;
    }
    const validation = evaluator.evaluate(data.validation);
    lastValidation = validation.outputs;
    const metrics: EpochMetrics = {
      epoch,
      trainLoss: lossSum / stepsTaken,
      valLoss: validation.loss,
      trainAccuracy: correct / seen,
      valAccuracy: validation.accuracy,
      learningRate,
      gradNorm: normSum / stepsTaken,
      timeMs,
    };
    const trainOutputs = options.recordTrainOutputs === true ? evaluator.evaluate(data.train).outputs : undefined;
    listener.onEpoch?.(trainOutputs === undefined ? { metrics, validation: validation.outputs } : { metrics, validation: validation.outputs, train: trainOutputs });
    epochsRecorded = epoch;
    // Without validation rows there is no validation loss to stop on (it would be NaN forever).
    const stopEarly = data.validation.rows > 0 && stopping.update(epoch, validation.loss, network.params);
    if (diverged) {
      reason = 'diverged';
      break;
    }
    if (stopped) {
      reason = 'stopped';
      break;
    }
    if (stopEarly) {
      reason = 'early-stopped';
      break;
    }
  }

  const restoredBest = stopping.restore(network.params, epochsRecorded);
  const finalValidation = restoredBest || lastValidation === null ? evaluator.evaluate(data.validation).outputs : lastValidation;
  return {
    reason,
    epochs: epochsRecorded,
    steps: step,
    bestEpoch: stopping.bestEpoch,
    restoredBest,
    finalValidation,
    model: modelFromNetwork(network, data.classes, output, data.preprocessing),
  };
}

function checkSplit(split: Split, inputSize: number, classCount: number, name: string): void {
  if (split.x.length < split.rows * inputSize || split.y.length < split.rows) {
    throw new RangeError(`the ${name} split holds ${split.x.length} features and ${split.y.length} labels, ${split.rows} rows of ${inputSize} features need more`);
  }
  for (let i = 0; i < split.rows; i++) {
    const y = split.y[i]!;
    if (!(y >= 0 && y < classCount)) throw new RangeError(`the ${name} split's row ${i} has label index ${y}, outside 0..${classCount - 1}`);
  }
}

/** Copies rows order[start..start+rows) of a split into the batch buffers (no views, no allocation). */
function gatherRows(split: Split, order: Int32Array, start: number, rows: number, x: Float32Array, labels: Int32Array, width: number): void {
  const source = split.x;
  for (let i = 0; i < rows; i++) {
    const row = order[start + i]!;
    const from = row * width;
    const to = i * width;
    for (let f = 0; f < width; f++) x[to + f] = source[from + f]!;
    labels[i] = split.y[row]!;
  }
}
