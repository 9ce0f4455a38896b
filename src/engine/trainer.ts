/**
 * The training loop: `train(spec, data, listener, options)` runs synchronously (in the worker
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
import { outputKindFor, outputProblem, type EpochMetrics, type OutputKind, type SplitOutputs, type StopReason } from '../model';
import { resolveClassWeights } from './classWeights';
import { EarlyStopping } from './earlyStopping';
import { TrainingInputError } from './errors';
import type { TrainingListener, TrainingSummary } from './events';
import { initializeWeights, loadWeights } from './init';
import type { Kernels } from './kernels';
import { type Criterion, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy } from './losses';
import { checkModelFits, modelFromNetwork } from './modelJson';
import { estimateTrainingMemory, memoryProblem, trainingArenaFloats, trainingShape } from './footprint';
import { Network, parameterCount } from './network';
import { createOptimizer } from './optimizers';
import { Rng } from '../rng';
import type { TrainingSpec } from './spec';
import { SplitEvaluator } from './splitEvaluator';
import type { Split, TrainingData } from './trainingData';
import { TrainingStep } from './trainingStep';
import { createKernels } from './wasm';

export interface TrainOptions {
  /** Checked between steps; true stops the run with reason 'stopped' (what was measured is kept). */
  readonly shouldStop?: () => boolean;
  /** Also emit training-set outputs (eval mode, row order) with every epoch. */
  readonly recordTrainOutputs?: boolean;
  /** The numeric kernels (default: `createKernels()`, WebAssembly SIMD where available, else `jsKernels`). */
  readonly kernels?: Kernels;
}

/** The output kind this spec gives on this many classes; a sigmoid on a non-binary task is bad input. */
export function resolveOutput(spec: TrainingSpec['network'], classCount: number): OutputKind {
  const problem = outputProblem(spec.output, classCount);
  if (problem) throw new TrainingInputError(`model.output ${problem}`, undefined, 'model.output');
  return outputKindFor(spec.output, classCount);
}

/** Everything one run trains with, built once before the first step. */
interface Session {
  readonly spec: TrainingSpec;
  readonly data: TrainingData;
  readonly output: OutputKind;
  readonly network: Network;
  readonly stepper: TrainingStep;
  readonly evaluator: SplitEvaluator;
  readonly stopping: EarlyStopping;
  readonly shuffleRng: Rng;
  readonly order: Int32Array;
  readonly labels: Int32Array;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  /** performance.now() when training started: epochs record their wall-clock time since then. */
  readonly startedAt: number;
}

/** One epoch as it ended: its event when any step ran, and whether it diverged or was stopped. */
interface EpochOutcome {
  readonly metrics: EpochMetrics | null;
  readonly validation: SplitOutputs | null;
  readonly diverged: boolean;
  readonly stopped: boolean;
  /** Optimizer steps taken. */
  readonly steps: number;
}

export function train(spec: TrainingSpec, data: TrainingData, listener: TrainingListener, options: TrainOptions = {}): TrainingSummary {
  const session = prepare(spec, data, options.kernels ?? createKernels());
  let reason: StopReason = 'completed';
  let step = 0;
  let epochsRecorded = 0;
  let lastValidation: SplitOutputs | null = null;
  for (let epoch = 1; epoch <= spec.epochs; epoch++) {
    const outcome = runEpoch(session, epoch, step, listener, options);
    step += outcome.steps;
    // A stop before this epoch's first step leaves nothing to record.
    if (!outcome.metrics) {
      if (outcome.stopped) reason = 'stopped';
      break;
    }
    epochsRecorded = epoch;
    lastValidation = outcome.validation;
    // Without validation rows there is no validation loss to stop on (it would be NaN forever).
    const stopEarly = data.validation.rows > 0 && session.stopping.update(epoch, outcome.metrics.valLoss, session.network.params);
    if (outcome.diverged || outcome.stopped || stopEarly) {
      reason = outcome.diverged ? 'diverged' : outcome.stopped ? 'stopped' : 'early-stopped';
      break;
    }
  }
  const restoredBest = session.stopping.restore(session.network.params, epochsRecorded);
  const finalValidation = restoredBest || lastValidation === null ? session.evaluator.evaluate(data.validation).outputs : lastValidation;
  return {
    reason,
    epochs: epochsRecorded,
    steps: step,
    bestEpoch: session.stopping.bestEpoch,
    restoredBest,
    finalValidation,
    model: modelFromNetwork(session.network, data.classes, session.output, data.preprocessing),
  };
}

/** Builds the network (initialised or loaded), the optimizer, the criterion and the loop's buffers. */
function prepare(spec: TrainingSpec, data: TrainingData, kernels: Kernels): Session {
  const classCount = data.classes.length;
  const inputSize = data.featureNames.length;
  const output = resolveOutput(spec.network, classCount);
  const trainRows = data.train.rows;
  checkSplit(data.train, inputSize, classCount, 'training');
  checkSplit(data.validation, inputSize, classCount, 'validation');
  if (trainRows === 0) throw new TrainingInputError('the training split has no rows', undefined, 'data');
  const batchSize = Math.max(1, Math.min(spec.batchSize, trainRows));
  if (!(spec.network.dropout >= 0 && spec.network.dropout < 1)) {
    throw new TrainingInputError(`model.dropout must be in [0, 1), got ${spec.network.dropout}`, undefined, 'model.dropout');
  }
  const shape = trainingShape(spec.network, inputSize, output === 'sigmoid' ? 1 : classCount, spec.batchSize, trainRows);
  // Checked before allocating (callers check it earlier still, naming their config file).
  const tooLarge = memoryProblem(estimateTrainingMemory(shape, spec.optimizer, classCount, trainRows + data.validation.rows), spec.network.hidden);
  if (tooLarge !== undefined) throw new TrainingInputError(`model.hidden: ${tooLarge}`, undefined, 'model.hidden');
  const paramCount = parameterCount(shape);
  const arena = kernels.createArena(trainingArenaFloats(shape, spec.optimizer));
  const network = new Network(kernels, arena, shape);
  const rng = Rng.forRun(spec.seed);
  initialise(network, spec, { inputSize, output, classes: data.classes }, rng.stream('init'));

  const optimizer = createOptimizer(spec.optimizer, network.params, network.grads, kernels, arena);
  const weights = resolveClassWeights(spec.loss.classWeights, data.classes, data.train.y, trainRows);
  const criterion: Criterion = output === 'sigmoid' ? new SigmoidBinaryCrossEntropy(weights) : new SoftmaxCrossEntropy(classCount, spec.loss.labelSmoothing, weights);
  const stepper = new TrainingStep(network, criterion, optimizer, rng.stream('dropout'), {
    l1: spec.penalty.l1,
    l2: spec.penalty.l2,
    gradientClip: spec.gradientClip,
    learningRate: spec.optimizer.learningRate,
  });
  const order = new Int32Array(trainRows);
  for (let i = 0; i < trainRows; i++) order[i] = i;
  return {
    spec,
    data,
    output,
    network,
    stepper,
    evaluator: new SplitEvaluator(network, criterion, output, classCount),
    stopping: new EarlyStopping(spec.earlyStopping, arena.take(paramCount)),
    shuffleRng: rng.stream('shuffle'),
    order,
    labels: new Int32Array(shape.maxRows),
    batchSize,
    stepsPerEpoch: Math.ceil(trainRows / batchSize),
    startedAt: performance.now(),
  };
}

/** He/Xavier initialisation from the run's 'init' stream, or the weights of a model.json checked against the shape. */
function initialise(network: Network, spec: TrainingSpec, fit: { inputSize: number; output: OutputKind; classes: readonly string[] }, initRng: Rng): void {
  if (spec.init === 'he' || spec.init === 'xavier') {
    initializeWeights(network, spec.init, initRng);
    return;
  }
  checkModelFits(spec.init.model, { ...fit, hidden: spec.network.hidden, activation: spec.network.activation }, spec.init.file);
  loadWeights(network, spec.init.model);
}

/**
 * One epoch: batches in order (or reshuffled from the run's 'shuffle' stream), one PyTorch training
 * step each, then validation with the weights at its end. A partial epoch (stopped or diverged) is
 * recorded with what its steps measured.
 */
function runEpoch(s: Session, epoch: number, firstStep: number, listener: TrainingListener, options: TrainOptions): EpochOutcome {
  const { data, network, stepper, batchSize } = s;
  if (s.spec.shuffle) s.shuffleRng.shuffle(s.order);
  const inputSize = data.featureNames.length;
  let lossSum = 0;
  let normSum = 0;
  let correct = 0;
  let seen = 0;
  let stepsTaken = 0;
  let timeMs = 0;
  let diverged = false;
  let stopped = false;
  for (let batch = 0; batch < s.stepsPerEpoch; batch++) {
    if (options.shouldStop?.() === true) {
      stopped = true;
      break;
    }
    const start = batch * batchSize;
    const rows = Math.min(batchSize, data.train.rows - start);
    gatherRows(data.train, s.order, start, rows, network.input, s.labels, inputSize);
    const stats = stepper.run(rows, s.labels, firstStep + stepsTaken + 1, epoch, batch);
    stepsTaken++;
    timeMs += stats.timeMs;
    lossSum += stats.loss;
    normSum += stats.gradNorm;
    correct += stepper.correct;
    seen += rows;
    listener.onStep?.(stats);
    if (!network.parametersFinite()) {
      diverged = true;
      break;
    }
  }
  if (stepsTaken === 0) return { metrics: null, validation: null, diverged, stopped, steps: 0 };
  const validation = s.evaluator.evaluate(data.validation);
  const metrics: EpochMetrics = {
    epoch,
    trainLoss: lossSum / stepsTaken,
    valLoss: validation.loss,
    trainAccuracy: correct / seen,
    valAccuracy: validation.accuracy,
    learningRate: s.spec.optimizer.learningRate,
    gradNorm: normSum / stepsTaken,
    timeMs,
    wallMs: performance.now() - s.startedAt,
  };
  const trainOutputs = options.recordTrainOutputs === true ? s.evaluator.evaluate(data.train).outputs : undefined;
  listener.onEpoch?.(trainOutputs === undefined ? { metrics, validation: validation.outputs } : { metrics, validation: validation.outputs, train: trainOutputs });
  return { metrics, validation: validation.outputs, diverged, stopped, steps: stepsTaken };
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
