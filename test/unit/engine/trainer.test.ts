import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EpochEvent } from '../../../src/engine/events';
import type { StepStats } from '../../../src/model';
import { TrainingInputError } from '../../../src/engine/errors';
import { parseModelJson, predict } from '../../../src/engine/modelJson';
import { trainConfig } from '../helpers/config';
import { config, dataset, realDataset, split } from './helpers';

function record(): { steps: StepStats[]; epochs: EpochEvent[]; listener: { onStep(s: StepStats): void; onEpoch(e: EpochEvent): void } } {
  const steps: StepStats[] = [];
  const epochs: EpochEvent[] = [];
  return {
    steps,
    epochs,
    listener: {
      onStep: (s) => steps.push(s),
      onEpoch: (e) => epochs.push({ ...e, validation: { ...e.validation, logits: e.validation.logits.slice(), probabilities: e.validation.probabilities.slice() } }),
    },
  };
}

describe('train', () => {
  test('learns wine (3 classes, softmax) to at least 95% validation accuracy', () => {
    const data = realDataset('wine');
    const r = record();
    const summary = trainConfig(config({ model: { hidden: [16] }, optimizer: { learningRate: 0.01 }, training: { epochs: 40, batchSize: 16, earlyStopping: false } }), data, r.listener);
    assert.equal(summary.reason, 'completed');
    assert.equal(summary.epochs, 40);
    const last = r.epochs[r.epochs.length - 1]!.metrics;
    assert.ok(last.valAccuracy >= 0.95, `valAccuracy ${last.valAccuracy}`);
    assert.ok(last.trainLoss < r.epochs[0]!.metrics.trainLoss / 4, 'training loss falls');
  });

  test('learns breast cancer (binary, sigmoid output) to at least 95% validation accuracy', () => {
    const data = realDataset('breast-cancer-wisconsin');
    const r = record();
    const summary = trainConfig(config({ model: { hidden: [16] }, optimizer: { learningRate: 0.005 }, training: { epochs: 15, earlyStopping: false } }), data, r.listener);
    assert.equal(summary.finalValidation.output, 'sigmoid');
    assert.equal(summary.model.layers[1]!.weight.length, 1);
    assert.ok(r.epochs[r.epochs.length - 1]!.metrics.valAccuracy >= 0.95);
  });

  test('the same config and seed give byte-identical metrics, with dropout and shuffling', () => {
    const data = realDataset('iris');
    const cfg = config({ seed: 7, model: { hidden: [8, 8], dropout: 0.3 }, optimizer: { learningRate: 0.01 }, training: { epochs: 5, batchSize: 10 } });
    const a = record();
    const b = record();
    trainConfig(cfg, data, a.listener);
    trainConfig(cfg, data, b.listener);
    const strip = (s: StepStats): unknown => ({ ...s, timeMs: 0 });
    assert.deepEqual(a.steps.map(strip), b.steps.map(strip));
    assert.deepEqual(a.epochs.map((e) => ({ ...e.metrics, timeMs: 0, wallMs: 0 })), b.epochs.map((e) => ({ ...e.metrics, timeMs: 0, wallMs: 0 })));
    assert.deepEqual(a.epochs.at(-1)!.validation.probabilities, b.epochs.at(-1)!.validation.probabilities);
    const c = record();
    trainConfig(config({ ...cfg, seed: 8 }), data, c.listener);
    assert.notDeepEqual(a.steps.map(strip), c.steps.map(strip));
  });

  test('emits the contract metrics: step counts, partial last batch, epoch means', () => {
    const data = realDataset('iris'); // 120 training rows
    const r = record();
    const summary = trainConfig(config({ training: { epochs: 2, batchSize: 50, earlyStopping: false }, data: { shuffle: false } }), data, r.listener);
    assert.equal(r.steps.length, 6); // 50 + 50 + 20 per epoch
    assert.deepEqual(r.steps.map((s) => [s.step, s.epoch, s.batch]), [[1, 1, 0], [2, 1, 1], [3, 1, 2], [4, 2, 0], [5, 2, 1], [6, 2, 2]]);
    const first = r.epochs[0]!.metrics;
    assert.ok(Math.abs(first.trainLoss - (r.steps[0]!.loss + r.steps[1]!.loss + r.steps[2]!.loss) / 3) < 1e-12);
    assert.ok(Math.abs(first.gradNorm - (r.steps[0]!.gradNorm + r.steps[1]!.gradNorm + r.steps[2]!.gradNorm) / 3) < 1e-12);
    assert.equal(r.steps[0]!.layerGradNorms.length, 2);
    assert.equal(r.steps[0]!.deadFractions.length, 1);
    const norm = Math.hypot(...r.steps[0]!.layerGradNorms);
    assert.ok(Math.abs(norm - r.steps[0]!.gradNorm) < 1e-9 * norm);
    assert.equal(r.epochs[0]!.validation.rows, 30);
    assert.equal(summary.steps, 6);
    // The summary's model predicts what the last epoch's validation outputs said.
    const model = parseModelJson(JSON.stringify(summary.model), 'model.json');
    const p = predict(model, data.validation.x, data.validation.rows);
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i]! - summary.finalValidation.probabilities[i]!) < 1e-5);
  });

  test('stops between steps when asked, keeping what was measured', () => {
    const data = realDataset('iris');
    const r = record();
    let calls = 0;
    const summary = trainConfig(config({ training: { epochs: 10, batchSize: 50, earlyStopping: false } }), data, r.listener, { shouldStop: () => ++calls > 4 });
    assert.equal(summary.reason, 'stopped');
    assert.equal(r.steps.length, 4);
    assert.equal(r.epochs.length, 2); // the second epoch is recorded with the one step it took
    assert.equal(summary.epochs, 2);
  });

  test('early stopping stops after `patience` epochs without improvement and restores the best', () => {
    const data = realDataset('iris');
    const r = record();
    // A huge learning rate makes the validation loss worsen quickly.
    const summary = trainConfig(config({ optimizer: { type: 'sgd', learningRate: 5 }, training: { epochs: 100, earlyStopping: { patience: 3, minDelta: 0, restoreBest: true } } }), data, r.listener);
    const losses = r.epochs.map((e) => e.metrics.valLoss);
    const best = summary.bestEpoch!;
    assert.ok(['early-stopped', 'diverged'].includes(summary.reason));
    if (summary.reason === 'early-stopped') assert.equal(r.epochs.length, best + 3);
    assert.equal(Math.min(...losses.filter(Number.isFinite)), losses[best - 1]);
    assert.ok(summary.restoredBest);
    const p = predict(summary.model, data.validation.x, data.validation.rows);
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i]! - summary.finalValidation.probabilities[i]!) < 1e-6);
  });

  test('stops as diverged when parameters become non-finite, after recording that epoch', () => {
    const data = realDataset('iris');
    const r = record();
    const summary = trainConfig(config({ model: { activation: 'linear', hidden: [8] }, optimizer: { type: 'sgd', learningRate: 1e30 }, training: { epochs: 20, earlyStopping: false } }), data, r.listener);
    assert.equal(summary.reason, 'diverged');
    assert.equal(summary.epochs, r.epochs.length);
    assert.ok(!Number.isFinite(r.epochs.at(-1)!.metrics.valLoss));
  });

  test('bad input is a TrainingInputError naming the key', () => {
    const data = realDataset('iris');
    assert.throws(() => trainConfig(config({ model: { output: 'sigmoid' } }), data, {}), (e: unknown) => e instanceof TrainingInputError && e.key === 'model.output');
    assert.throws(() => trainConfig(config({ loss: { classWeights: { virginia: 2 } } }), data, {}), (e: unknown) => e instanceof TrainingInputError && /virginia/.test(e.message) && /virginica/.test(e.message));
    const tiny = dataset(2, ['a', 'b'], split([[0, 1]], [0]), split([[1, 0]], [1]));
    const other = trainConfig(config({ model: { hidden: [3] }, training: { epochs: 1 } }), tiny, {}).model;
    assert.throws(() => trainConfig(config({ model: { hidden: [4], init: 'start.json' } }), tiny, {}, { initialModel: other }), /start\.json.*hidden layers are \[3\], model\.hidden is \[4\]/);
  });
});

describe('train: per-step readings and options', () => {
  test('dead fractions: a hidden layer pushed below zero is fully dead and gets no gradient', () => {
    const data = realDataset('iris');
    const r = record();
    const initialModel = {
      format: 'loss-lens-model/1' as const,
      inputSize: 4,
      classes: data.classes,
      output: 'softmax' as const,
      layers: [
        { weight: Array.from({ length: 5 }, () => [0.1, 0.1, 0.1, 0.1]), bias: [-100, -100, -100, -100, 5], activation: 'relu' as const },
        { weight: Array.from({ length: 3 }, (_, i) => [1, 1, 1, 1, i]), bias: [0, 0, 0], activation: 'softmax' as const },
      ],
    };
    trainConfig(config({ model: { hidden: [5], init: 'dead.json' }, training: { epochs: 1, earlyStopping: false } }), data, r.listener, { initialModel });
    for (const s of r.steps) assert.equal(s.deadFractions[0], 0.8);
  });

  test('recordTrainOutputs emits eval-mode outputs for the training rows in order', () => {
    const data = realDataset('iris');
    const events: EpochEvent[] = [];
    trainConfig(config({ model: { dropout: 0.5 }, training: { epochs: 2, earlyStopping: false } }), data, { onEpoch: (e) => events.push(e) }, { recordTrainOutputs: true });
    const t = events[1]!.train!;
    assert.equal(t.rows, data.train.rows);
    assert.deepEqual(t.labels, data.train.y);
    assert.equal(t.probabilities.length, data.train.rows * 3);
    for (let i = 0; i < t.rows; i++) {
      const row = t.probabilities.subarray(i * 3, i * 3 + 3);
      assert.ok(Math.abs(row[0]! + row[1]! + row[2]! - 1) < 1e-6);
    }
  });

  test('sigmoid outputs: one logit per row, probabilities [1-p, p] of the second class', () => {
    const data = realDataset('breast-cancer-wisconsin');
    const summary = trainConfig(config({ training: { epochs: 1 } }), data, {});
    const v = summary.finalValidation;
    assert.equal(v.logits.length, v.rows);
    for (let i = 0; i < v.rows; i++) {
      const p = 1 / (1 + Math.exp(-v.logits[i]!));
      assert.ok(Math.abs(v.probabilities[2 * i + 1]! - p) < 1e-6);
      assert.ok(Math.abs(v.probabilities[2 * i]! - (1 - p)) < 1e-6);
    }
  });

  test('dropout is training-only: validation loss is computed without it', () => {
    const data = realDataset('iris');
    const withDropout = record();
    trainConfig(config({ model: { dropout: 0.5 }, optimizer: { learningRate: 0 }, training: { epochs: 1 } }), data, withDropout.listener);
    const without = record();
    trainConfig(config({ model: { dropout: 0 }, optimizer: { learningRate: 0 }, training: { epochs: 1 } }), data, without.listener);
    // Same seed, same init, no learning: eval-mode validation is identical; training losses differ.
    assert.equal(withDropout.epochs[0]!.metrics.valLoss, without.epochs[0]!.metrics.valLoss);
    assert.notEqual(withDropout.epochs[0]!.metrics.trainLoss, without.epochs[0]!.metrics.trainLoss);
  });

  test('gradient clipping bounds the update: SGD moves the weights by at most lr·maxNorm per step', () => {
    const data = realDataset('wine');
    const start = trainConfig(config({ optimizer: { type: 'sgd', learningRate: 1 }, training: { epochs: 0 } }), data, {}).model;
    const r = record();
    const after = trainConfig(config({ model: { init: 'start.json' }, optimizer: { type: 'sgd', learningRate: 1 }, training: { epochs: 1, batchSize: 200, gradientClip: 0.25 } }), data, r.listener, { initialModel: start }).model;
    assert.ok(r.steps[0]!.gradNorm > 0.25, 'the pre-clip norm is reported');
    let squared = 0;
    after.layers.forEach((layer, l) => {
      layer.weight.forEach((row, o) => row.forEach((w, i) => (squared += (w - start.layers[l]!.weight[o]![i]!) ** 2)));
      layer.bias.forEach((b, o) => (squared += (b - start.layers[l]!.bias[o]!) ** 2));
    });
    assert.ok(Math.abs(Math.sqrt(squared) - 0.25) < 1e-4, `update norm ${Math.sqrt(squared)}`);
  });
});

test('without validation rows training runs all epochs (NaN validation loss never triggers early stopping)', () => {
  const data = realDataset('iris');
  const noValidation = { ...data, validation: split([], []) };
  const r = record();
  const summary = trainConfig(config({ training: { epochs: 12, earlyStopping: { patience: 2, minDelta: 0, restoreBest: true } } }), noValidation, r.listener);
  assert.equal(summary.reason, 'completed');
  assert.equal(summary.epochs, 12);
  assert.ok(Number.isNaN(r.epochs[0]!.metrics.valLoss));
  assert.equal(summary.finalValidation.rows, 0);
});

test('reported losses exclude the L1/L2 penalty (which still shapes the gradient)', () => {
  const data = realDataset('iris');
  const plain = record();
  const penalised = record();
  const base = { model: { hidden: [8] }, data: { shuffle: false }, training: { epochs: 1, batchSize: 200, earlyStopping: false as const } };
  trainConfig(config({ ...base, optimizer: { learningRate: 0 } }), data, plain.listener);
  trainConfig(config({ ...base, optimizer: { learningRate: 0 }, regularization: { l1: 0.5, l2: 0.5 } }), data, penalised.listener);
  assert.equal(penalised.steps[0]!.loss, plain.steps[0]!.loss);
  assert.equal(penalised.epochs[0]!.metrics.valLoss, plain.epochs[0]!.metrics.valLoss);
  assert.ok(penalised.steps[0]!.gradNorm > plain.steps[0]!.gradNorm);
});

test('shuffle reshuffles the batches every epoch; shuffle false keeps row order', () => {
  const data = realDataset('iris');
  const lossesPerEpoch = (shuffle: boolean): number[][] => {
    const r = record();
    trainConfig(config({ data: { shuffle }, optimizer: { learningRate: 0 }, training: { epochs: 3, batchSize: 16, earlyStopping: false } }), data, r.listener);
    return [1, 2, 3].map((e) => r.steps.filter((s) => s.epoch === e).map((s) => s.loss));
  };
  // With a zero learning rate the weights never change, so a batch's loss depends only on its rows.
  const fixed = lossesPerEpoch(false);
  assert.deepEqual(fixed[0], fixed[1]);
  const shuffled = lossesPerEpoch(true);
  assert.notDeepEqual(shuffled[0], shuffled[1]);
  assert.notDeepEqual(shuffled[1], shuffled[2]);
  assert.notDeepEqual(shuffled[0], fixed[0]);
  // The last partial batch (120 = 7·16 + 8) is kept in both.
  assert.equal(fixed[0]!.length, 8);
  assert.equal(shuffled[0]!.length, 8);
});
