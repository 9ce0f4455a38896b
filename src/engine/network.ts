/**
 * The MLP itself: dense layers z = a_prev·Wᵀ + b (W is [out][in] like torch.nn.Linear), a hidden
 * activation after every layer but the last, and inverted dropout on hidden activations in training.
 *
 * Memory: every parameter, gradient and batch buffer is a view carved from ONE arena of the kernels
 * (see kernels.ts), sized up front by `networkFootprint`. All weights and biases sit in one
 * contiguous block (`params`), likewise their gradients (`grads`), so an optimizer updates the whole
 * model in one pass. Nothing here allocates after construction.
 *
 * Backward, per layer l with upstream dZ_l [rows×out]:
 *   dW_l = dZ_lᵀ · a_{l-1}   (gemmTN)      db_l = Σ_rows dZ_l
 *   da_{l-1} = dZ_l · W_l    (gemmNN)      dZ_{l-1} = da_{l-1} ⊙ mask_{l-1} ⊙ f'(z_{l-1})
 */
import { type Activation, type ActivationName, activationByName } from './activations';
import { activationCode, type ActivationCode, type Arena, type Kernels } from './kernels';
import type { Rng } from '../rng';

export interface NetworkShape {
  readonly inputSize: number;
  readonly hidden: readonly number[];
  /** Output units: classes for softmax, 1 for sigmoid. */
  readonly outputs: number;
  readonly activation: ActivationName;
  /** Probability of dropping a hidden unit in training (0 = no dropout). */
  readonly dropout: number;
  /** The most rows one forward pass takes (batch buffers are this tall). */
  readonly maxRows: number;
}

export interface DenseLayer {
  readonly fanIn: number;
  readonly fanOut: number;
  /** [fanOut][fanIn] */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly weightGrad: Float32Array;
  readonly biasGrad: Float32Array;
  /** Pre-activations [maxRows][fanOut]; for the last layer, the logits. */
  readonly z: Float32Array;
  /** Hidden layers: activations after dropout [maxRows][fanOut] (the next layer's input). */
  readonly a: Float32Array;
  /** Hidden layers with dropout: 0 or 1/(1-p) per unit and row (inverted dropout's scale built in). */
  readonly mask: Float32Array | null;
}

const ALIGN = 4;
const pad = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

function layerSizes(shape: NetworkShape): number[] {
  return [shape.inputSize, ...shape.hidden, shape.outputs];
}

/** Floats in the parameter block (each weight and bias padded to 16 bytes). */
export function parameterCount(shape: NetworkShape): number {
  const sizes = layerSizes(shape);
  let total = 0;
  for (let l = 1; l < sizes.length; l++) total += pad(sizes[l]! * sizes[l - 1]!) + pad(sizes[l]!);
  return total;
}

/** Arena floats the network needs: params + grads + input + per-layer batch buffers + two gradient buffers. */
export function networkFootprint(shape: NetworkShape): number {
  const sizes = layerSizes(shape);
  const rows = shape.maxRows;
  let total = 2 * parameterCount(shape) + pad(rows * shape.inputSize);
  for (let l = 1; l < sizes.length; l++) {
    const hidden = l < sizes.length - 1;
    total += pad(rows * sizes[l]!) * (hidden ? (shape.dropout > 0 ? 3 : 2) : 1);
  }
  const widest = Math.max(...sizes);
  return total + 2 * pad(rows * widest) + ALIGN * 8;
}

export class Network {
  readonly layers: readonly DenseLayer[];
  /** Every weight and bias, contiguous (with zero padding between views). */
  readonly params: Float32Array;
  /** Their gradients, in the same layout. */
  readonly grads: Float32Array;
  /** The current batch's features [maxRows][inputSize]. */
  readonly input: Float32Array;
  /** Gradient of the loss w.r.t. the logits [maxRows][outputs]: the criterion writes it. */
  readonly dLogits: Float32Array;
  private readonly activation: Activation;
  private readonly activationCode: ActivationCode;
  private readonly gradBuffers: readonly [Float32Array, Float32Array];
  /** Per hidden layer: units that were <= 0 for every row of the last training batch. */
  private readonly deadUnits: number[];

  constructor(
    private readonly kernels: Kernels,
    arena: Arena,
    readonly shape: NetworkShape,
  ) {
    const sizes = layerSizes(shape);
    const rows = shape.maxRows;
    this.activation = activationByName(shape.activation);
    this.activationCode = activationCode(shape.activation);
    this.params = arena.take(parameterCount(shape));
    this.grads = arena.take(parameterCount(shape));
    this.input = arena.take(rows * shape.inputSize);
    const layers: DenseLayer[] = [];
    let offset = 0;
    for (let l = 1; l < sizes.length; l++) {
      const fanIn = sizes[l - 1]!;
      const fanOut = sizes[l]!;
      const hidden = l < sizes.length - 1;
      const weightAt = offset;
      const biasAt = weightAt + pad(fanOut * fanIn);
      offset = biasAt + pad(fanOut);
      layers.push({
        fanIn,
        fanOut,
        weight: this.params.subarray(weightAt, weightAt + fanOut * fanIn),
        bias: this.params.subarray(biasAt, biasAt + fanOut),
        weightGrad: this.grads.subarray(weightAt, weightAt + fanOut * fanIn),
        biasGrad: this.grads.subarray(biasAt, biasAt + fanOut),
        z: arena.take(rows * fanOut),
        a: hidden ? arena.take(rows * fanOut) : new Float32Array(0),
        mask: hidden && shape.dropout > 0 ? arena.take(rows * fanOut) : null,
      });
    }
    this.layers = layers;
    const widest = Math.max(...sizes);
    this.gradBuffers = [arena.take(rows * widest), arena.take(rows * widest)];
    this.dLogits = this.gradBuffers[0];
    this.deadUnits = layers.slice(0, -1).map(() => 0);
  }

  get logits(): Float32Array {
    return this.layers[this.layers.length - 1]!.z;
  }

  /**
   * Draws fresh inverted-dropout masks for `rows` rows: each hidden unit is kept with probability
   * 1-p and then scaled by 1/(1-p), so the expected activation equals eval mode's (torch.nn.Dropout).
   */
  sampleDropout(rng: Rng, rows: number): void {
    const p = this.shape.dropout;
    const scale = 1 / (1 - p);
    for (const layer of this.layers) {
      const mask = layer.mask;
      if (mask === null) continue;
      const count = rows * layer.fanOut;
      for (let i = 0; i < count; i++) mask[i] = rng.next() < p ? 0 : scale;
    }
  }

  /**
   * Forward pass over the first `rows` rows of `input`. In training, hidden activations are
   * multiplied by the current dropout masks and each unit's liveness is recorded for `deadFractions`.
   */
  forward(rows: number, training: boolean): void {
    let previous = this.input;
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const layer = this.layers[l]!;
      this.kernels.gemmNT(previous, layer.weight, layer.z, rows, layer.fanOut, layer.fanIn, layer.bias);
      if (l === last) break;
      const count = rows * layer.fanOut;
      if (!this.kernels.activationForward(this.activationCode, layer.z, layer.a, count)) this.activation.forward(layer.z, layer.a, count);
      if (training) {
        this.deadUnits[l] = this.kernels.deadColumns(layer.a, rows, layer.fanOut);
        const mask = layer.mask;
        if (mask !== null) for (let i = 0; i < count; i++) layer.a[i] = layer.a[i]! * mask[i]!;
      }
      previous = layer.a;
    }
  }

  /** Backward pass from `dLogits` (already holding ∂loss/∂logits for `rows` rows); overwrites `grads`. */
  backward(rows: number): void {
    let dZ = this.gradBuffers[0];
    let spare = this.gradBuffers[1];
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      const previous = l === 0 ? this.input : this.layers[l - 1]!.a;
      this.kernels.gemmTN(dZ, previous, layer.weightGrad, layer.fanOut, layer.fanIn, rows);
      const out = layer.fanOut;
      this.kernels.columnSums(dZ, layer.biasGrad, rows, out);
      if (l === 0) break;
      const below = this.layers[l - 1]!;
      this.kernels.gemmNN(dZ, layer.weight, spare, rows, layer.fanIn, out);
      const count = rows * layer.fanIn;
      if (below.mask !== null) for (let i = 0; i < count; i++) spare[i] = spare[i]! * below.mask[i]!;
      if (!this.kernels.activationBackward(this.activationCode, below.z, spare, count)) this.activation.backward(below.z, spare, count);
      const t = dZ;
      dZ = spare;
      spare = t;
    }
  }

  /**
   * Adds the L1/L2 penalty's gradient (docs/config.md) to the weight gradients (biases are not penalised):
   * ∂/∂w [l1·Σ|w| + l2·Σw²] = l1·sign(w) + 2·l2·w, with sign(0) = 0 as torch.sign.
   */
  addPenaltyGradient(l1: number, l2: number): void {
    if (l1 === 0 && l2 === 0) return;
    const twoL2 = 2 * l2;
    for (const layer of this.layers) {
      const w = layer.weight;
      const g = layer.weightGrad;
      for (let i = 0; i < w.length; i++) {
        const v = w[i]!;
        g[i] = g[i]! + l1 * (v > 0 ? 1 : v < 0 ? -1 : 0) + twoL2 * v;
      }
    }
  }

  /** The penalty l1·Σ|w| + l2·Σw² over weights (not biases). */
  penalty(l1: number, l2: number): number {
    let abs = 0;
    let squares = 0;
    for (const layer of this.layers) {
      const w = layer.weight;
      for (let i = 0; i < w.length; i++) {
        abs += Math.abs(w[i]!);
        squares += w[i]! * w[i]!;
      }
    }
    return l1 * abs + l2 * squares;
  }

  /** Squared L2 norm of layer l's weight and bias gradients. */
  layerGradSquaredNorm(l: number): number {
    const layer = this.layers[l]!;
    return this.kernels.sumSquares(layer.weightGrad, layer.weightGrad.length) + this.kernels.sumSquares(layer.biasGrad, layer.biasGrad.length);
  }

  /** Multiplies every gradient by `factor` (gradient clipping). */
  scaleGrads(factor: number): void {
    const g = this.grads;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * factor;
  }

  /** True when every parameter is finite (x·0 is NaN exactly for ±Infinity and NaN). */
  parametersFinite(): boolean {
    return this.kernels.allFinite(this.params, this.params.length);
  }

  /** Fraction of hidden layer l's units that were <= 0 (before dropout) for every row of the last training batch. */
  deadFraction(l: number): number {
    const units = this.layers[l]!.fanOut;
    return units === 0 ? 0 : this.deadUnits[l]! / units;
  }
}
