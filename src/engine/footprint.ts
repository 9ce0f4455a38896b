/**
 * What a training run allocates, computed from its shape before anything is allocated, so a model
 * too large for the machine is refused at once (naming `model.hidden`) instead of swapping for
 * minutes or failing deep inside WebAssembly.
 *
 * Two kinds of memory, both counted: the kernels' arena (WebAssembly memory, or an ArrayBuffer on
 * the JS path) holding weights, gradients, optimizer state, the best epoch's copy and one batch of
 * activations; and the JS heap, which holds the per-epoch outputs and, at the end, model.json
 * (the weights as JS numbers, then as text, then as the bytes written). A worker's V8 heap limit
 * sees only the second kind; this estimate sees both.
 */
import { constants as bufferConstants } from 'node:buffer';
import { networkFootprint, parameterCount, type NetworkShape } from './network';
import { optimizerFootprint } from './optimizers';
import type { NetworkSpec, OptimizerSpec } from './spec';

/**
 * Rows per forward pass when evaluating a whole split, at least: batch buffers are
 * max(batch, this) rows tall. 256 made W1's arena (batch 32) 2.4x what training needs, against
 * the peak-memory goal of 2x; 32 keeps evaluation out of per-row calls for tiny batches.
 */
export const EVALUATION_CHUNK_ROWS = 32;

/**
 * The most memory one training run may need, arena and JS heap together: 2 GiB. It matches the
 * training worker's own JS heap limit (WORKER_HEAP_LIMIT_MB in src/jobs/workerJob.ts), so a run
 * that passes this check fits what the editor budgets for one worker; WebAssembly's 4 GiB cap on
 * one memory would be reached by the arena alone at about twice this. Documented in docs/config.md.
 */
export const MAX_TRAINING_MEMORY_BYTES = 2 * 1024 ** 3;

/**
 * Bytes of model.json per weight, at most: 10 of indentation, the longest shortest-float32 literal
 * ("-1.23456789e-10", 15) and ",\n" (JSON.stringify with 2 spaces, as the run folder writes it; a
 * trained digits model measures 23 to 25). model.json is one string when written, and a string
 * holds at most MAX_STRING_LENGTH characters (536,870,888 in Node 20): about 20 million weights.
 */
export const MODEL_JSON_BYTES_PER_WEIGHT = 27;

/** Epochs' outputs a run holds at once (the live one, the best one, the final one). */
const OUTPUT_COPIES = 3;

/** The network a config and its data give: the trainer builds exactly this. */
export function trainingShape(
  model: Pick<NetworkSpec, 'hidden' | 'activation' | 'dropout'>,
  inputSize: number,
  outputs: number,
  batchSize: number,
  trainRows: number,
): NetworkShape {
  const batch = Math.max(1, Math.min(batchSize, trainRows));
  return { inputSize, hidden: model.hidden, outputs, activation: model.activation, dropout: model.dropout, maxRows: Math.max(batch, EVALUATION_CHUNK_ROWS) };
}

/** Floats of the arena `train` creates: the network, the optimizer's state and the best epoch's copy. */
export function trainingArenaFloats(shape: NetworkShape, optimizer: OptimizerSpec): number {
  const parameters = parameterCount(shape);
  return networkFootprint(shape) + optimizerFootprint(optimizer, parameters) + parameters + 64;
}

export interface MemoryEstimate {
  readonly parameters: number;
  /** The kernels' arena: WebAssembly memory (or an ArrayBuffer on the JS path). */
  readonly arenaBytes: number;
  /** JS heap and buffers: per-epoch outputs and writing model.json. */
  readonly heapBytes: number;
  readonly totalBytes: number;
  /** The characters of model.json, which is written as one string. */
  readonly modelJsonChars: number;
}

export function estimateTrainingMemory(shape: NetworkShape, optimizer: OptimizerSpec, classes: number, rows: number): MemoryEstimate {
  const parameters = parameterCount(shape);
  const arenaBytes = 4 * trainingArenaFloats(shape, optimizer);
  // Per split row: logits and probabilities (float32) and a label (int32), for OUTPUT_COPIES epochs.
  const outputs = OUTPUT_COPIES * rows * (4 * (shape.outputs + classes) + 4);
  const modelJsonChars = parameters * MODEL_JSON_BYTES_PER_WEIGHT;
  // model.json: the weights as JS numbers (8 bytes), the text (1 byte a character), the bytes written.
  const heapBytes = outputs + parameters * 8 + 2 * modelJsonChars;
  return { parameters, arenaBytes, heapBytes, totalBytes: arenaBytes + heapBytes, modelJsonChars };
}

/** "1.5 GiB", "380 MiB": sizes for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return `${Math.max(1, Math.round(bytes / 2 ** 20))} MiB`;
}

/** "196 million", "51,000": parameter counts for messages. */
function formatParameters(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} million` : new Intl.NumberFormat('en-US').format(n);
}

/**
 * Why a run of this size cannot go ahead, or undefined when it can: past MAX_TRAINING_MEMORY_BYTES,
 * or a model.json longer than one string can hold. Worded to follow `model.hidden: `. `lowerBound`:
 * the estimate was made without the data (one input, one output), so it says "at least".
 */
export function memoryProblem(estimate: MemoryEstimate, hidden: readonly number[], lowerBound = false): string | undefined {
  const layers = `[${hidden.join(', ')}]`;
  const about = lowerBound ? 'at least' : 'about';
  if (estimate.totalBytes > MAX_TRAINING_MEMORY_BYTES) {
    return (
      `${layers} makes a model of ${lowerBound ? 'at least ' : ''}${formatParameters(estimate.parameters)} weights that needs ${about} ${formatBytes(estimate.totalBytes)} to train ` +
      `(${formatBytes(estimate.arenaBytes)} of WebAssembly memory for weights, gradients, optimizer state and activations, ${formatBytes(estimate.heapBytes)} of JS heap for outputs and model.json), ` +
      `more than the ${formatBytes(MAX_TRAINING_MEMORY_BYTES)} a run may use; use smaller hidden layers`
    );
  }
  if (estimate.modelJsonChars > bufferConstants.MAX_STRING_LENGTH) {
    return `${layers} makes a model of ${formatParameters(estimate.parameters)} weights whose model.json (${about} ${formatBytes(estimate.modelJsonChars)}) is longer than one file write can hold (${formatBytes(bufferConstants.MAX_STRING_LENGTH)}); use smaller hidden layers`;
  }
  return undefined;
}
