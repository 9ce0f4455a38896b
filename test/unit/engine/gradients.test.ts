/**
 * Gradient checks: the engine's analytic gradients (float32) against central finite differences of
 * a float64 reference forward pass with the same parameters (h = 1e-6, so the reference error is
 * ~1e-10 and the tolerance only has to absorb float32 rounding of the analytic side).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIVATION_NAMES, activationByName, type ActivationName } from '../../../src/engine/activations';
import { jsKernels } from '../../../src/engine/jsKernels';
import { type Criterion, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy } from '../../../src/engine/losses';
import { Network, networkFootprint } from '../../../src/engine/network';
import { Rng } from '../../../src/rng';

const H = 1e-6;

interface Case {
  readonly activation: ActivationName;
  readonly hidden: readonly number[];
  readonly output: 'softmax' | 'sigmoid';
  readonly smoothing?: number;
  readonly weights?: readonly number[];
  readonly l1?: number;
  readonly l2?: number;
  readonly dropout?: number;
}

const INPUTS = 5;
const ROWS = 7;
const CLASSES = 3;

function criterionFor(c: Case): Criterion {
  const weights = c.weights === undefined ? null : Float64Array.from(c.weights);
  return c.output === 'sigmoid' ? new SigmoidBinaryCrossEntropy(weights) : new SoftmaxCrossEntropy(CLASSES, c.smoothing ?? 0, weights);
}

/** Float64 reference: the loss (criterion + penalty) of the network's current parameters `p`. */
function referenceLoss(net: Network, p: Float64Array, c: Case, x: Float64Array, labels: Int32Array, masks: readonly (Float32Array | null)[]): number {
  const act = activationByName(c.activation);
  let a = x;
  let offset = 0;
  let penalty = 0;
  net.layers.forEach((layer, l) => {
    // Parameters live at the same offsets as in net.params.
    const weightAt = layer.weight.byteOffset / 4 - net.params.byteOffset / 4;
    const biasAt = layer.bias.byteOffset / 4 - net.params.byteOffset / 4;
    offset = weightAt;
    const z = new Float64Array(ROWS * layer.fanOut);
    for (let i = 0; i < ROWS; i++) {
      for (let o = 0; o < layer.fanOut; o++) {
        let s = p[biasAt + o]!;
        for (let k = 0; k < layer.fanIn; k++) s += p[offset + o * layer.fanIn + k]! * a[i * layer.fanIn + k]!;
        z[i * layer.fanOut + o] = s;
      }
    }
    for (let k = 0; k < layer.fanOut * layer.fanIn; k++) {
      const w = p[weightAt + k]!;
      penalty += (c.l1 ?? 0) * Math.abs(w) + (c.l2 ?? 0) * w * w;
    }
    if (l < net.layers.length - 1) {
      const out = new Float64Array(z.length);
      act.forward(z, out, z.length);
      const mask = masks[l];
      if (mask) for (let k = 0; k < out.length; k++) out[k] = out[k]! * mask[k]!;
      a = out;
    } else {
      a = z;
    }
  });
  const criterion = criterionFor(c);
  criterion.evaluate(a, labels, ROWS, null);
  return criterion.lossSum / criterion.weightSum + penalty;
}

function check(c: Case): void {
  const rng = Rng.forRun(42).stream(JSON.stringify(c));
  const outputs = c.output === 'sigmoid' ? 1 : CLASSES;
  const shape = { inputSize: INPUTS, hidden: c.hidden, outputs, activation: c.activation, dropout: c.dropout ?? 0, maxRows: ROWS };
  const net = new Network(jsKernels, jsKernels.createArena(networkFootprint(shape)), shape);
  for (const layer of net.layers) {
    for (let i = 0; i < layer.weight.length; i++) layer.weight[i] = rng.normal() * 0.7;
    for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = rng.normal() * 0.3;
  }
  const x = new Float64Array(ROWS * INPUTS);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  net.input.set(x);
  const labels = Int32Array.from({ length: ROWS }, (_, i) => i % (c.output === 'sigmoid' ? 2 : CLASSES));
  if (c.dropout) {
    // A fixed mask: every third unit dropped, the rest scaled by 1/(1-p).
    for (const layer of net.layers) {
      if (layer.mask) for (let k = 0; k < layer.mask.length; k++) layer.mask[k] = k % 3 === 1 ? 0 : 1 / (1 - c.dropout);
    }
  }
  net.forward(ROWS, true);
  const criterion = criterionFor(c);
  criterion.evaluate(net.logits, labels, ROWS, net.dLogits);
  net.backward(ROWS);
  net.addPenaltyGradient(c.l1 ?? 0, c.l2 ?? 0);

  const p = Float64Array.from(net.params);
  const masks = net.layers.map((layer) => layer.mask);
  const base = referenceLoss(net, p, c, x, labels, masks);
  const engineLoss = criterion.lossSum / criterion.weightSum + net.penalty(c.l1 ?? 0, c.l2 ?? 0);
  assert.ok(Math.abs(engineLoss - base) < 1e-5 * Math.max(1, Math.abs(base)), `forward loss ${engineLoss} vs reference ${base}`);
  let checked = 0;
  for (const layer of net.layers) {
    const views: [Float32Array, Float32Array][] = [[layer.weight, layer.weightGrad], [layer.bias, layer.biasGrad]];
    for (const [param, grad] of views) {
      const at = param.byteOffset / 4 - net.params.byteOffset / 4;
      for (let k = 0; k < param.length; k++) {
        const saved = p[at + k]!;
        p[at + k] = saved + H;
        const up = referenceLoss(net, p, c, x, labels, masks);
        p[at + k] = saved - H;
        const down = referenceLoss(net, p, c, x, labels, masks);
        p[at + k] = saved;
        const numeric = (up - down) / (2 * H);
        const analytic = grad[k]!;
        assert.ok(Math.abs(numeric - analytic) <= 2e-5 + 1e-3 * Math.abs(numeric), `${JSON.stringify(c)}: d/dp[${at + k}] numeric ${numeric} vs analytic ${analytic}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 18);
}

describe('network gradients vs finite differences', () => {
  for (const activation of ACTIVATION_NAMES) {
    test(`${activation} hidden layers, softmax cross-entropy`, () => check({ activation, hidden: [6, 4], output: 'softmax' }));
  }
  test('no hidden layer (softmax regression)', () => check({ activation: 'relu', hidden: [], output: 'softmax' }));
  test('label smoothing', () => check({ activation: 'tanh', hidden: [6], output: 'softmax', smoothing: 0.2 }));
  test('class weights', () => check({ activation: 'tanh', hidden: [6], output: 'softmax', weights: [0.5, 2, 1.25] }));
  test('class weights with label smoothing', () => check({ activation: 'gelu', hidden: [6], output: 'softmax', weights: [0.5, 2, 1.25], smoothing: 0.1 }));
  test('sigmoid output, binary cross-entropy', () => check({ activation: 'relu', hidden: [6, 5], output: 'sigmoid' }));
  test('sigmoid output with class weights', () => check({ activation: 'sigmoid', hidden: [6], output: 'sigmoid', weights: [0.3, 1.7] }));
  test('L1 penalty (weights away from 0)', () => check({ activation: 'tanh', hidden: [6], output: 'softmax', l1: 0.05 }));
  test('L2 penalty', () => check({ activation: 'relu', hidden: [6], output: 'softmax', l2: 0.1 }));
  test('L1 + L2 with two hidden layers and a sigmoid output', () => check({ activation: 'leaky-relu', hidden: [4, 3], output: 'sigmoid', l1: 0.01, l2: 0.02 }));
  test('dropout with a fixed mask', () => check({ activation: 'relu', hidden: [6, 6], output: 'softmax', dropout: 0.4 }));
});

describe('penalty details', () => {
  test('L1 uses sign(0) = 0 (torch.sign): a weight at exactly 0 gets no L1 gradient; biases get none', () => {
    const shape = { inputSize: 2, hidden: [], outputs: 2, activation: 'relu' as const, dropout: 0, maxRows: 1 };
    const net = new Network(jsKernels, jsKernels.createArena(networkFootprint(shape)), shape);
    const layer = net.layers[0]!;
    layer.weight.set([0, 2, -3, 0]);
    layer.weightGrad.fill(0);
    layer.biasGrad.fill(0);
    net.addPenaltyGradient(0.5, 0.25);
    assert.deepEqual(Array.from(layer.weightGrad), [0, 0.5 + 1, -0.5 - 1.5, 0]);
    assert.deepEqual(Array.from(layer.biasGrad), [0, 0]);
    assert.equal(net.penalty(0.5, 0.25), 0.5 * 5 + 0.25 * 13);
  });
});
