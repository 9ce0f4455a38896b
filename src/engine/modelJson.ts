/**
 * model.json (docs/run-folder.md): a trained MLP as plain JSON, in torch.nn.Linear's layout
 * (each weight is [out][in]). The trainer writes it; `model.init` reads it back; `predict` runs it.
 *
 * {"format": "loss-lens-model/1", "inputSize", "classes", "output",
 *  "layers": [{"weight": [[...]], "bias": [...], "activation"}], "preprocessing": {...}}
 *
 * A hidden layer's `activation` is its activation function; the last layer's is the output kind
 * ("softmax" or "sigmoid"), which says how its logits become probabilities.
 */
import type { OutputKind } from '../model';
import { SHOWN, quoteList, type Quoting } from '../text/quote';
import { ACTIVATION_NAMES, activationByName, logistic, type ActivationName } from './activations';
import { FLOAT32_RANGE, overflowsFloat32 } from './float32';
import { TrainingInputError } from './errors';
import type { Network } from './network';
import type { Preprocessing } from './trainingData';

export const MODEL_FORMAT = 'loss-lens-model/1';

export interface ModelLayerJson {
  /** [out][in], like torch.nn.Linear.weight. */
  readonly weight: readonly (readonly number[])[];
  readonly bias: readonly number[];
  readonly activation: ActivationName | OutputKind;
}

export interface ModelJson {
  readonly format: typeof MODEL_FORMAT;
  readonly inputSize: number;
  readonly classes: readonly string[];
  readonly output: OutputKind;
  readonly layers: readonly ModelLayerJson[];
  /** How raw columns became the input features (absent in hand-written files). */
  readonly preprocessing?: Preprocessing;
}

/** The shape a training config asks for, to check a model.json against. */
export interface Architecture {
  readonly inputSize: number;
  readonly hidden: readonly number[];
  readonly activation: ActivationName;
  readonly output: OutputKind;
  readonly classes: readonly string[];
}

const OUTPUT_KINDS: readonly OutputKind[] = ['softmax', 'sigmoid'];

/** What a model.json holds, as a message shows it: bounded, or withheld (a file outside the workspace). */
function shown(value: unknown, quoting: Quoting): string {
  if (typeof value === 'string') return quoting.quote(value);
  if (!quoting.shown) return '(not shown)';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * JSON.parse's message, which quotes the text around the error ('Unexpected token ... "AWS_SECRE"...'),
 * reduced to the position when the file's contents are withheld.
 */
function jsonSyntaxMessage(error: Error, quoting: Quoting): string {
  if (quoting.shown) return error.message.length > 300 ? `${error.message.slice(0, 300)}…` : error.message;
  const at = /position \d+(?: \(line \d+ column \d+\))?/.exec(error.message);
  return at ? `a syntax error at ${at[0]}` : 'a syntax error';
}

/**
 * Parses and validates a model.json; every error names the file and the JSON path at fault. Each
 * weight and bias must be a finite float32 (the engine's type): 1e39 is a finite double but an
 * infinity in training, whose first step would be a NaN blamed on the learning rate.
 */
export function parseModelJson(text: string, file: string, quoting: Quoting = SHOWN): ModelJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TrainingInputError(`${file}: not valid JSON (${jsonSyntaxMessage(error as Error, quoting)})`, file);
  }
  const fail = (path: string, message: string): never => {
    throw new TrainingInputError(`${file}: ${path} ${message}`, file, path);
  };
  const number = (path: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `must be a finite number, got ${shown(v, quoting)}`);
    if (overflowsFloat32(v as number)) fail(path, `is ${shown(v, quoting)}, beyond the float32 range training computes in (${FLOAT32_RANGE})`);
  };
  if (!isObject(raw)) return fail('(top level)', 'must be an object');
  if (raw['format'] !== MODEL_FORMAT) fail('format', `must be "${MODEL_FORMAT}", got ${shown(raw['format'], quoting)}`);
  const inputSize = raw['inputSize'];
  if (!(typeof inputSize === 'number' && Number.isInteger(inputSize) && inputSize > 0)) fail('inputSize', `must be a positive integer, got ${shown(inputSize, quoting)}`);
  const classes = raw['classes'];
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) fail('classes', 'must be an array of at least two class names');
  const output = raw['output'];
  if (!OUTPUT_KINDS.includes(output as OutputKind)) fail('output', `must be "softmax" or "sigmoid", got ${shown(output, quoting)}`);
  const classList = classes as string[];
  if (output === 'sigmoid' && classList.length !== 2) fail('output', `"sigmoid" needs exactly two classes, the file has ${classList.length}`);
  const layers = raw['layers'];
  if (!Array.isArray(layers) || layers.length === 0) return fail('layers', 'must be a non-empty array');
  let fanIn = inputSize as number;
  const parsed: ModelLayerJson[] = [];
  layers.forEach((layer: unknown, l) => {
    const at = `layers[${l}]`;
    if (!isObject(layer)) fail(at, 'must be an object with weight, bias and activation');
    const entry = layer as Record<string, unknown>;
    const weight = entry['weight'];
    if (!Array.isArray(weight) || weight.length === 0) fail(`${at}.weight`, 'must be a non-empty array of rows ([out][in])');
    (weight as unknown[]).forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== fanIn) fail(`${at}.weight[${r}]`, `must be an array of ${fanIn} numbers (the layer's inputs), got ${Array.isArray(row) ? `${row.length} values` : shown(row, quoting)}`);
      (row as unknown[]).forEach((v, c) => number(`${at}.weight[${r}][${c}]`, v));
    });
    const fanOut = (weight as unknown[]).length;
    const bias = entry['bias'];
    if (!Array.isArray(bias) || bias.length !== fanOut) fail(`${at}.bias`, `must be an array of ${fanOut} numbers (one per weight row)`);
    (bias as unknown[]).forEach((v, c) => number(`${at}.bias[${c}]`, v));
    const last = l === layers.length - 1;
    const activation = entry['activation'];
    if (last) {
      if (activation !== output) fail(`${at}.activation`, `must be the output kind "${String(output)}" on the last layer, got ${shown(activation, quoting)}`);
      const units = output === 'sigmoid' ? 1 : classList.length;
      if (fanOut !== units) fail(`${at}.weight`, `has ${fanOut} rows, but a ${String(output)} output over ${classList.length} classes needs ${units}`);
    } else if (!ACTIVATION_NAMES.includes(activation as ActivationName)) {
      fail(`${at}.activation`, `must be one of ${ACTIVATION_NAMES.join(', ')}, got ${shown(activation, quoting)}`);
    }
    parsed.push({ weight: weight as number[][], bias: bias as number[], activation: activation as ActivationName | OutputKind });
    fanIn = fanOut;
  });
  const preprocessing = raw['preprocessing'];
  if (preprocessing !== undefined && !isObject(preprocessing)) fail('preprocessing', 'must be an object');
  return {
    format: MODEL_FORMAT,
    inputSize: inputSize as number,
    classes: classList,
    output: output as OutputKind,
    layers: parsed,
    ...(preprocessing === undefined ? {} : { preprocessing: preprocessing as unknown as Preprocessing }),
  };
}

/** Throws a TrainingInputError naming `file` and the first way `model` does not fit `arch`. */
export function checkModelFits(model: ModelJson, arch: Architecture, file: string): void {
  const fail = (message: string): never => {
    throw new TrainingInputError(`${file} does not fit the configured model: ${message}`, file, 'model.init');
  };
  if (model.inputSize !== arch.inputSize) fail(`it takes ${model.inputSize} inputs, the data has ${arch.inputSize} features`);
  if (model.classes.length !== arch.classes.length || model.classes.some((c, i) => c !== arch.classes[i])) {
    fail(`its classes are [${quoteList(model.classes)}], the data's are [${quoteList(arch.classes)}]`);
  }
  if (model.output !== arch.output) fail(`its output is "${model.output}", the config's is "${arch.output}"`);
  const hidden = model.layers.slice(0, -1).map((layer) => layer.weight.length);
  if (hidden.length !== arch.hidden.length || hidden.some((h, i) => h !== arch.hidden[i])) {
    fail(`its hidden layers are [${hidden.join(', ')}], model.hidden is [${arch.hidden.join(', ')}]`);
  }
  model.layers.slice(0, -1).forEach((layer, l) => {
    if (layer.activation !== arch.activation) fail(`layers[${l}] uses "${layer.activation}", model.activation is "${arch.activation}"`);
  });
}

/** A network's current weights as model.json (docs/run-folder.md). */
export function modelFromNetwork(network: Network, classes: readonly string[], output: OutputKind, preprocessing: Preprocessing): ModelJson {
  const last = network.layers.length - 1;
  return {
    format: MODEL_FORMAT,
    inputSize: network.shape.inputSize,
    classes: [...classes],
    output,
    layers: network.layers.map((layer, l) => {
      const weight: number[][] = [];
      for (let o = 0; o < layer.fanOut; o++) weight.push(Array.from(layer.weight.subarray(o * layer.fanIn, (o + 1) * layer.fanIn), shortestFloat32));
      return { weight, bias: Array.from(layer.bias, shortestFloat32), activation: l === last ? output : network.shape.activation };
    }),
    preprocessing,
  };
}

/**
 * The shortest decimal that reads back as the same float32 (as numpy prints float32): model.json
 * stays exact and about half the size of writing each float32 at full double precision.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}

/**
 * Class probabilities [rows][classes] for already-encoded features x [rows][inputSize], in eval
 * mode (no dropout). Plain float64 loops: for inference on model files, not the training hot path.
 */
export function predict(model: ModelJson, x: Float32Array, rows: number): Float32Array {
  const C = model.classes.length;
  if (x.length < rows * model.inputSize) throw new RangeError(`predict: x holds ${x.length} values, ${rows} rows of ${model.inputSize} need ${rows * model.inputSize}`);
  const out = new Float32Array(rows * C);
  const input = new Float64Array(model.inputSize);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < model.inputSize; i++) input[i] = x[r * model.inputSize + i]!;
    let current: Float64Array = input;
    model.layers.forEach((layer, l) => {
      const z = new Float64Array(layer.weight.length);
      for (let o = 0; o < z.length; o++) {
        const row = layer.weight[o]!;
        let s = layer.bias[o]!;
        for (let i = 0; i < row.length; i++) s += row[i]! * current[i]!;
        z[o] = s;
      }
      if (l < model.layers.length - 1) activationByName(layer.activation as ActivationName).forward(z, z, z.length);
      current = z;
    });
    if (model.output === 'sigmoid') {
      const p = logistic(current[0]!);
      out[r * 2] = 1 - p;
      out[r * 2 + 1] = p;
    } else {
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, current[c]!);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(current[c]! - max);
      for (let c = 0; c < C; c++) out[r * C + c] = Math.exp(current[c]! - max) / sum;
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
