import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TrainingInputError } from '../../../src/engine/errors';
import { initializeWeights } from '../../../src/engine/init';
import { jsKernels } from '../../../src/engine/jsKernels';
import { type ModelJson, parseModelJson, predict } from '../../../src/engine/modelJson';
import { Network, networkFootprint } from '../../../src/engine/network';
import { Rng } from '../../../src/rng';
import { trainConfig } from '../helpers/config';
import { config, dataset, split } from './helpers';

const MODEL: ModelJson = {
  format: 'loss-lens-model/1',
  inputSize: 2,
  classes: ['no', 'yes', 'maybe'],
  output: 'softmax',
  layers: [
    { weight: [[1, -1], [0.5, 2]], bias: [0, -1], activation: 'relu' },
    { weight: [[1, 0], [0, 1], [-1, -1]], bias: [0.1, 0.2, 0.3], activation: 'softmax' },
  ],
};

function parseError(model: unknown, pattern: RegExp): void {
  assert.throws(() => parseModelJson(JSON.stringify(model), 'runs/x/model.json'), (e: unknown) => {
    assert.ok(e instanceof TrainingInputError, String(e));
    assert.match(e.message, /^runs\/x\/model\.json: /);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('model.json', () => {
  test('parses a valid file and predicts softmax probabilities by hand', () => {
    const model = parseModelJson(JSON.stringify(MODEL), 'model.json');
    const p = predict(model, Float32Array.from([1, 2]), 1);
    // hidden: relu([1-2, 0.5+4-1]) = [0, 3.5]; logits [0.1, 3.7, -3.2]
    const z = [0.1, 3.7, -3.2];
    const sum = z.reduce((s, v) => s + Math.exp(v), 0);
    z.forEach((v, c) => assert.ok(Math.abs(p[c]! - Math.exp(v) / sum) < 1e-6));
  });

  test('errors name the file and the JSON path', () => {
    assert.throws(() => parseModelJson('{"format": ', 'm.json'), /^TrainingInputError: m\.json: not valid JSON/);
    parseError({ ...MODEL, format: 'v2' }, /format must be "loss-lens-model\/1"/);
    parseError({ ...MODEL, inputSize: 0 }, /inputSize must be a positive integer/);
    parseError({ ...MODEL, classes: ['a'] }, /classes must be an array of at least two/);
    parseError({ ...MODEL, output: 'sigmoid' }, /output "sigmoid" needs exactly two classes/);
    parseError({ ...MODEL, layers: [] }, /layers must be a non-empty array/);
    parseError({ ...MODEL, layers: [{ ...MODEL.layers[0]!, weight: [[1, 2, 3], [1, 2, 3]] }, MODEL.layers[1]] }, /layers\[0\]\.weight\[0\] must be an array of 2 numbers/);
    parseError({ ...MODEL, layers: [{ ...MODEL.layers[0]!, bias: [1] }, MODEL.layers[1]] }, /layers\[0\]\.bias must be an array of 2 numbers/);
    parseError({ ...MODEL, layers: [{ ...MODEL.layers[0]!, weight: [[1, 'x'], [1, 2]] }, MODEL.layers[1]] }, /layers\[0\]\.weight\[0\]\[1\] must be a finite number/);
    parseError({ ...MODEL, layers: [{ ...MODEL.layers[0]!, activation: 'swish' }, MODEL.layers[1]] }, /layers\[0\]\.activation must be one of relu/);
    parseError({ ...MODEL, layers: [MODEL.layers[0], { ...MODEL.layers[1]!, activation: 'relu' }] }, /layers\[1\]\.activation must be the output kind "softmax"/);
    parseError({ ...MODEL, layers: [MODEL.layers[0], { ...MODEL.layers[1]!, weight: [[1, 0], [0, 1]], bias: [0, 0] }] }, /layers\[1\]\.weight has 2 rows, but a softmax output over 3 classes needs 3/);
  });

  test('a trained model round-trips through JSON text and starts a new run where it stopped', () => {
    const data = dataset(2, ['a', 'b'], split([[0, 1], [1, 0], [1, 1], [0, 0]], [0, 1, 1, 0]), split([[0.5, 0.5]], [1]));
    const first = trainConfig(config({ model: { hidden: [3] }, training: { epochs: 2, earlyStopping: false } }), data, {});
    const text = JSON.stringify(first.model);
    const reloaded = parseModelJson(text, 'model.json');
    assert.deepEqual(reloaded, JSON.parse(text));
    // Zero epochs of training from the loaded model reproduce the same validation outputs.
    const second = trainConfig(config({ model: { hidden: [3], init: 'model.json' }, training: { epochs: 0 } }), data, {}, { initialModel: reloaded });
    assert.deepEqual(second.model.layers, first.model.layers);
    assert.deepEqual(second.finalValidation.probabilities, first.finalValidation.probabilities);
  });

  test('an initial model that does not fit the architecture names the file and the mismatch', () => {
    const data = dataset(2, ['no', 'yes', 'maybe'], split([[0, 1]], [0]), split([[1, 0]], [1]));
    const run = (patch: Parameters<typeof config>[0]): unknown => trainConfig(config({ ...patch, model: { init: 'start/model.json', ...patch.model } }), data, {}, { initialModel: MODEL });
    assert.doesNotThrow(() => run({ model: { hidden: [2], activation: 'relu' } }));
    assert.throws(() => run({ model: { hidden: [2], activation: 'tanh' } }), /start\/model\.json does not fit the configured model: layers\[0\] uses "relu", model\.activation is "tanh"/);
    assert.throws(() => run({ model: { hidden: [2, 2] } }), /hidden layers are \[2\], model\.hidden is \[2, 2\]/);
    const other = dataset(3, ['no', 'yes', 'maybe'], split([[0, 1, 2]], [0]), split([[1, 0, 2]], [1]));
    assert.throws(() => trainConfig(config({ model: { hidden: [2], init: 'start/model.json' } }), other, {}, { initialModel: MODEL }), /it takes 2 inputs, the data has 3 features/);
    const renamed = dataset(2, ['maybe', 'no', 'yes'], split([[0, 1]], [0]), split([[1, 0]], [1]));
    assert.throws(() => trainConfig(config({ model: { hidden: [2], init: 'start/model.json' } }), renamed, {}, { initialModel: MODEL }), /its classes are \["no", "yes", "maybe"\], the data's are \["maybe", "no", "yes"\]/);
  });
});

describe('initialisation', () => {
  const shape = { inputSize: 200, hidden: [300], outputs: 10, activation: 'relu' as const, dropout: 0, maxRows: 1 };
  const stats = (w: Float32Array): { mean: number; variance: number; maxAbs: number } => {
    let s = 0;
    let s2 = 0;
    let maxAbs = 0;
    for (const v of w) {
      s += v;
      s2 += v * v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    return { mean: s / w.length, variance: s2 / w.length - (s / w.length) ** 2, maxAbs };
  };

  test('he: N(0, 2/fan_in), biases 0', () => {
    const net = new Network(jsKernels, jsKernels.createArena(networkFootprint(shape)), shape);
    initializeWeights(net, 'he', Rng.forRun(3).stream('init'));
    const { mean, variance } = stats(net.layers[0]!.weight); // 60 000 draws
    assert.ok(Math.abs(mean) < 0.003);
    assert.ok(Math.abs(variance / (2 / 200) - 1) < 0.03, `variance ${variance}`);
    assert.ok(net.layers[0]!.bias.every((b) => b === 0));
  });

  test('xavier: U(-a, a), a = sqrt(6/(fan_in+fan_out))', () => {
    const net = new Network(jsKernels, jsKernels.createArena(networkFootprint(shape)), shape);
    initializeWeights(net, 'xavier', Rng.forRun(3).stream('init'));
    const a = Math.sqrt(6 / 500);
    const { mean, variance, maxAbs } = stats(net.layers[0]!.weight);
    assert.ok(maxAbs <= a && maxAbs > 0.99 * a);
    assert.ok(Math.abs(mean) < 0.003);
    assert.ok(Math.abs(variance / (a * a / 3) - 1) < 0.03);
  });
});

test('model.json numbers are the shortest decimals that read back as the same float32', async () => {
  const { shortestFloat32 } = await import('../../../src/engine/modelJson');
  const rng = Rng.forRun(5).stream('floats');
  for (let i = 0; i < 2000; i++) {
    const x = Math.fround(rng.normal() * 10 ** (rng.int(12) - 6));
    const short = shortestFloat32(x);
    assert.equal(Math.fround(short), x);
    assert.ok(String(short).replace(/^-?0\.0*|e.*$|[-.]/g, '').length <= 9);
  }
  assert.equal(shortestFloat32(Math.fround(0.1)), 0.1);
  assert.equal(shortestFloat32(Math.fround(-1.5)), -1.5);
});
