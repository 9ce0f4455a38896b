/**
 * The training loop: `train(config, data, listener, options)` runs synchronously (in the worker
 * thread or the CLI), emits a StepStats per optimizer step and an EpochEvent per epoch, and returns
 * a TrainingSummary with the final (or restored best) model.
 *
 * One step is a PyTorch training step: forward (training mode, dropout), criterion from logits,
 * backward, + L1/L2 penalty gradient, global-norm clipping, optimizer update. Batches are the
 * training rows in order (torch DataLoader(shuffle=False)) or reshuffled every epoch from the run's
 * 'shuffle' stream; the last partial batch is kept.
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
import type { EpochMetrics, SplitOutputs, StepStats, StopReason, TrainingListener, TrainingSummary } from './events';
import { initializeWeights, loadWeights } from './init';
import type { Kernels } from './kernels';
import type { Criterion } from './losses';
import { SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy } from './losses';
import type { ModelJson } from './modelJson';
import { checkModelFits, MODEL_FORMAT } from './modelJson';
import { Network, networkFootprint, parameterCount } from './network';
import { createOptimizer, optimizerFootprint } from './optimizers';
import { Rng } from './rng';
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

/** Rows per forward pass when evaluating a whole split (eval mode needs no per-row gradients). */
const EVALUATION_CHUNK_ROWS = 256;
/** torch.nn.utils.clip_grad_norm_ adds this to the norm before dividing. */
const CLIP_EPSILON = 1e-6;

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

  const { l1, l2 } = config.regularization;
  const clip = config.training.gradientClip;
  const learningRate = config.optimizer.learningRate;
  const layerCount = network.layers.length;
  const hiddenCount = layerCount - 1;
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

      const began = performance.now();
      if (shape.dropout > 0) network.sampleDropout(dropoutRng, rows);
      network.forward(rows, true);
      criterion.reset();
      criterion.evaluate(network.logits, labels, rows, network.dLogits);
      const loss = criterion.lossSum / criterion.weightSum;
      network.backward(rows);
      network.addPenaltyGradient(l1, l2);
      const layerGradNorms = new Array<number>(layerCount);
      let squaredTotal = 0;
      for (let l = 0; l < layerCount; l++) {
        const s = network.layerGradSquaredNorm(l);
        squaredTotal += s;
        layerGradNorms[l] = Math.sqrt(s);
      }
      const gradNorm = Math.sqrt(squaredTotal);
      if (clip !== null) {
        // torch.nn.utils.clip_grad_norm_: clip_coef = max_norm / (total_norm + 1e-6), applied when < 1.
        const coefficient = clip / (gradNorm + CLIP_EPSILON);
        if (coefficient < 1) network.scaleGrads(coefficient);
      }
      optimizer.step();
      const stepTime = performance.now() - began;

      step++;
      stepsTaken++;
      timeMs += stepTime;
      lossSum += loss;
      normSum += gradNorm;
      correct += criterion.correct;
      seen += rows;
      const deadFractions = new Array<number>(hiddenCount);
      for (let l = 0; l < hiddenCount; l++) deadFractions[l] = network.deadFraction(l);
      const stats: StepStats = { step, epoch, batch, loss, gradNorm, layerGradNorms, deadFractions, learningRate, timeMs: stepTime };
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
    model: exportModel(network, data, output),
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

/** Whole-split evaluation in eval mode (no dropout), in row order, in chunks. */
class SplitEvaluator {
  private readonly outputs: number;
  private readonly labels: Int32Array;

  constructor(
    private readonly network: Network,
    private readonly criterion: Criterion,
    private readonly output: OutputKind,
    private readonly classCount: number,
  ) {
    this.outputs = criterion.outputs;
    this.labels = new Int32Array(network.shape.maxRows);
  }

  /**
   * Loss (the criterion over the whole split, without penalty), accuracy and outputs. The outputs
   * are allocated afresh each call (once per epoch, outside the step loop), so receivers may keep them.
   */
  evaluate(split: Split): { loss: number; accuracy: number; outputs: SplitOutputs } {
    const { network, criterion } = this;
    const width = network.shape.inputSize;
    const outputs: SplitOutputs = {
      output: this.output,
      classes: this.classCount,
      rows: split.rows,
      logits: new Float32Array(split.rows * this.outputs),
      probabilities: new Float32Array(split.rows * this.classCount),
      labels: split.y.slice(0, split.rows),
    };
    criterion.reset();
    const chunk = network.shape.maxRows;
    for (let start = 0; start < split.rows; start += chunk) {
      const rows = Math.min(chunk, split.rows - start);
      for (let i = 0; i < rows; i++) {
        const from = (start + i) * width;
        for (let f = 0; f < width; f++) network.input[i * width + f] = split.x[from + f]!;
        this.labels[i] = split.y[start + i]!;
      }
      network.forward(rows, false);
      criterion.evaluate(network.logits, this.labels, rows, null);
      const logits = network.logits;
      for (let i = 0; i < rows * this.outputs; i++) outputs.logits[start * this.outputs + i] = logits[i]!;
      criterion.probabilities(logits, rows, outputs.probabilities.subarray(start * this.classCount));
    }
    return { loss: criterion.lossSum / criterion.weightSum, accuracy: criterion.correct / split.rows, outputs };
  }
}

/** The network as the contract's model.json. */
function exportModel(network: Network, data: EncodedDataset, output: OutputKind): ModelJson {
  const last = network.layers.length - 1;
  return {
    format: MODEL_FORMAT,
    inputSize: network.shape.inputSize,
    classes: [...data.classes],
    output,
    layers: network.layers.map((layer, l) => {
      const weight: number[][] = [];
      for (let o = 0; o < layer.fanOut; o++) weight.push(Array.from(layer.weight.subarray(o * layer.fanIn, (o + 1) * layer.fanIn)));
      return { weight, bias: Array.from(layer.bias), activation: l === last ? output : network.shape.activation };
    }),
    preprocessing: data.preprocessing,
  };
}
