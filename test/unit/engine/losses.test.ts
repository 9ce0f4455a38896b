import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activationByName, ACTIVATION_NAMES } from '../../../src/engine/activations';
import { erf, erfc } from '../../../src/engine/erf';
import { SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy } from '../../../src/engine/losses';
import { resolveClassWeights } from '../../../src/engine/classWeights';

function loss(c: SoftmaxCrossEntropy | SigmoidBinaryCrossEntropy, logits: number[], labels: number[], grad?: Float64Array): number {
  c.reset();
  c.evaluate(Float64Array.from(logits), Int32Array.from(labels), labels.length, grad ?? null);
  return c.lossSum / c.weightSum;
}

const close = (a: number, b: number, tol: number, what = ''): void => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

describe('known values', () => {
  test('cross-entropy of logits [2.0, 1.0, 0.1] for class 0 is 0.4170', () => {
    assert.equal(loss(new SoftmaxCrossEntropy(3, 0, null), [2.0, 1.0, 0.1], [0]).toFixed(4), '0.4170');
  });

  test('softmax cross-entropy is finite and exact at extreme logits', () => {
    const c = new SoftmaxCrossEntropy(2, 0, null);
    const g = new Float64Array(2);
    assert.equal(loss(c, [1000, -1000], [0], g), 0);
    assert.equal(loss(c, [1000, -1000], [1], g), 2000);
    assert.deepEqual(Array.from(g), [1, -1]);
    assert.equal(loss(c, [-3e38, 3e38], [0]), 6e38);
  });

  test('sigmoid BCE from logits never takes log(0)', () => {
    const c = new SigmoidBinaryCrossEntropy(null);
    assert.equal(loss(c, [1000], [1]), 0);
    assert.equal(loss(c, [1000], [0]), 1000);
    assert.equal(loss(c, [-1000], [1]), 1000);
    close(loss(c, [0], [1]), Math.LN2, 1e-15);
    close(loss(c, [40], [0]), 40, 1e-12); // log(1 - σ(40)) would be log(0) in float32
  });

  test('label smoothing and class weights follow torch.nn.CrossEntropyLoss', () => {
    // Reference: loss = Σ_i [(1-ε) w_y (-log p_y) + ε/C Σ_c w_c (-log p_c)] / Σ_i w_{y_i}, written out by hand.
    const logits = [[0.3, -1.2, 2.0], [1.5, 0.2, -0.7]];
    const labels = [2, 0];
    const w = [0.5, 2, 1.5];
    const eps = 0.1;
    let numerator = 0;
    let denominator = 0;
    logits.forEach((z, i) => {
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      const y = labels[i]!;
      numerator += (1 - eps) * w[y]! * (lse - z[y]!);
      numerator += (eps / 3) * z.reduce((s, v, c) => s + w[c]! * (lse - v), 0);
      denominator += w[y]!;
    });
    close(loss(new SoftmaxCrossEntropy(3, eps, Float64Array.from(w)), logits.flat(), labels), numerator / denominator, 1e-14);
  });

  test('weighted sigmoid BCE is Σ w_y·ℓ / Σ w_y', () => {
    const c = new SigmoidBinaryCrossEntropy(Float64Array.from([3, 0.5]));
    const l = (z: number, y: number): number => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    close(loss(c, [0.4, -2, 1.1], [0, 1, 1]), (3 * l(0.4, 0) + 0.5 * l(-2, 1) + 0.5 * l(1.1, 1)) / 4, 1e-15);
  });

  test('sigmoid probabilities are those of the SECOND class', () => {
    const out = new Float64Array(2);
    new SigmoidBinaryCrossEntropy(null).probabilities(Float64Array.from([2]), 1, out);
    close(out[1]!, 1 / (1 + Math.exp(-2)), 1e-15);
    close(out[0]!, 1 - out[1]!, 1e-15);
  });

  test('erf to double precision (A&S / mpmath values)', () => {
    close(erf(0.5), 0.5204998778130465, 2e-16);
    close(erf(1), 0.8427007929497149, 2e-16);
    close(erf(2), 0.9953222650189527, 4e-16);
    close(erf(-2.4), -0.999311486103355, 2e-16);
    close(erf(3), 0.9999779095030014, 2e-16);
    close(erfc(3) / 2.209049699858544e-5, 1, 1e-13);
    close(erfc(5) / 1.5374597944280349e-12, 1, 1e-13);
    close(erfc(10) / 2.088487583762545e-45, 1, 1e-13);
    close(erf(1e-10), 1.1283791670955126e-10, 1e-25);
  });

  test('exact GELU: x·Φ(x)', () => {
    const z = Float64Array.from([1, -1, 3, -5]);
    const out = new Float64Array(4);
    activationByName('gelu').forward(z, out, 4);
    close(out[0]!, 0.8413447460685429, 1e-15);
    close(out[1]!, -0.15865525393145707, 1e-15);
    close(out[2]!, 2.99595030590511, 1e-14);
    close(out[3]!, -1.4332578593959731e-6, 1e-19);
  });

  test('balanced class weights are n/(C·count_c) over the training labels (sklearn)', () => {
    const w = resolveClassWeights('balanced', ['a', 'b', 'c'], Int32Array.from([0, 0, 0, 1, 2, 2]), 6)!;
    assert.deepEqual(Array.from(w), [6 / 9, 2, 1]);
    assert.deepEqual(Array.from(resolveClassWeights({ b: 4 }, ['a', 'b'], new Int32Array(0), 0)!), [1, 4]);
    assert.equal(resolveClassWeights('none', ['a', 'b'], new Int32Array(0), 0), null);
  });
});

describe('activation and loss derivatives vs finite differences (float64)', () => {
  const zs = [-3.1, -1.7, -0.6, -0.05, 0.03, 0.4, 1.2, 2.8, 5.5];
  for (const name of ACTIVATION_NAMES) {
    test(name, () => {
      const act = activationByName(name);
      const f = (v: number): number => {
        const out = new Float64Array(1);
        act.forward(Float64Array.from([v]), out, 1);
        return out[0]!;
      };
      const grad = new Float64Array(zs.length).fill(1);
      act.backward(Float64Array.from(zs), grad, zs.length);
      zs.forEach((z, i) => close(grad[i]!, (f(z + 1e-6) - f(z - 1e-6)) / 2e-6, 1e-8, `${name}'(${z})`));
    });
  }

  test('derivatives at kinks follow torch: relu\'(0) = 0, leaky-relu\'(0) = 0.01', () => {
    const g = Float64Array.from([1]);
    activationByName('relu').backward(Float64Array.from([0]), g, 1);
    assert.equal(g[0], 0);
    const h = Float64Array.from([1]);
    activationByName('leaky-relu').backward(Float64Array.from([0]), h, 1);
    assert.equal(h[0], 0.01);
  });

  const cases: [string, () => SoftmaxCrossEntropy | SigmoidBinaryCrossEntropy, number[], number[]][] = [
    ['softmax CE', () => new SoftmaxCrossEntropy(3, 0, null), [0.2, -1, 1.5, 2, 0.1, -0.3], [2, 0]],
    ['softmax CE + smoothing', () => new SoftmaxCrossEntropy(3, 0.2, null), [0.2, -1, 1.5, 2, 0.1, -0.3], [2, 0]],
    ['softmax CE + weights + smoothing', () => new SoftmaxCrossEntropy(3, 0.15, Float64Array.from([0.2, 3, 1])), [0.2, -1, 1.5, 2, 0.1, -0.3], [1, 0]],
    ['sigmoid BCE', () => new SigmoidBinaryCrossEntropy(null), [0.7, -2.2, 3.1], [1, 0, 0]],
    ['weighted sigmoid BCE', () => new SigmoidBinaryCrossEntropy(Float64Array.from([2.5, 0.4])), [0.7, -2.2, 3.1], [1, 0, 0]],
  ];
  for (const [name, make, logits, labels] of cases) {
    test(name, () => {
      const grad = new Float64Array(logits.length);
      loss(make(), logits, labels, grad);
      logits.forEach((_, k) => {
        const up = logits.slice();
        up[k]! += 1e-6;
        const down = logits.slice();
        down[k]! -= 1e-6;
        close(grad[k]!, (loss(make(), up, labels) - loss(make(), down, labels)) / 2e-6, 1e-8, `${name} d/dz${k}`);
      });
    });
  }
});
