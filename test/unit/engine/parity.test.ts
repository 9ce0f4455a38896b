/**
 * PyTorch parity: each fixture in test/fixtures/parity/ (written by test/parity/generate_fixtures.py
 * with torch 1.13) fixes a small real table, initial weights and the batch order; the engine trains
 * from the same model.json with shuffle off and must reproduce torch's per-step losses, pre-clip
 * gradient norms, per-epoch metrics and final weights to float32 rounding — with the plain-TS
 * kernels and with the kernels the product picks (WebAssembly SIMD where available).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ClassWeightsConfig, OptimizerType } from '../../../src/config/types';
import type { EpochMetrics, StepStats } from '../../../src/model';
import { jsKernels } from '../../../src/engine/jsKernels';
import type { Kernels } from '../../../src/engine/kernels';
import { parseModelJson } from '../../../src/engine/modelJson';
import { trainConfig } from '../helpers/config';
import { createKernels } from '../../../src/engine/wasm';
import { config, dataset, split } from './helpers';

const FIXTURES = 'test/fixtures/parity';
/** Relative tolerance on losses and norms: float32 has ~6e-8 relative precision; the worst case measured was 2.8e-7. */
const LOSS_TOLERANCE = 2e-6;
/** Final weights: |ts - torch| <= abs + rel·|torch|. */
const WEIGHT_ABS = 1e-6;
const WEIGHT_REL = 1e-5;

interface Fixture {
  name: string;
  classes: string[];
  config: {
    model: { hidden: number[]; activation: 'relu'; output: 'softmax' | 'sigmoid' };
    optimizer: { type: OptimizerType; learningRate: number; momentum?: number; weightDecay?: number };
    loss: { labelSmoothing: number; classWeights: ClassWeightsConfig };
    regularization: { l1: number; l2: number };
    training: { epochs: number; batchSize: number; gradientClip: number | null };
  };
  train: { x: number[][]; y: number[] };
  validation: { x: number[][]; y: number[] };
  initialModel: unknown;
  steps: { loss: number; gradNorm: number }[];
  epochs: (Omit<EpochMetrics, 'learningRate' | 'timeMs'>)[];
  finalLayers: { weight: number[][]; bias: number[] }[];
}

const relClose = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-3);

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
const productKernels = createKernels();
const kernelSets: readonly Kernels[] = productKernels.name === jsKernels.name ? [jsKernels] : [jsKernels, productKernels];

describe('parity with PyTorch 1.13', () => {
  test('fixtures are present', () => assert.ok(files.length >= 20, `${files.length} fixtures`));
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(`${FIXTURES}/${file}`, 'utf8')) as Fixture;
    for (const kernels of kernelSets) test(`${fixture.name} (${kernels.name} kernels)`, () => {
      const c = fixture.config;
      const features = fixture.train.x[0]!.length;
      const data = dataset(features, fixture.classes, split(fixture.train.x, fixture.train.y), split(fixture.validation.x, fixture.validation.y));
      const cfg = config({
        data: { shuffle: false },
        model: { hidden: c.model.hidden, activation: c.model.activation, output: c.model.output, init: `${file}#initialModel` },
        optimizer: {
          type: c.optimizer.type,
          learningRate: c.optimizer.learningRate,
          momentum: c.optimizer.momentum ?? 0,
          weightDecay: c.optimizer.weightDecay ?? (c.optimizer.type === 'adamw' ? 0.01 : 0),
        },
        loss: c.loss,
        regularization: c.regularization,
        training: { ...c.training, earlyStopping: false },
      });
      const initialModel = parseModelJson(JSON.stringify(fixture.initialModel), `${file}#initialModel`);
      const steps: StepStats[] = [];
      const epochs: EpochMetrics[] = [];
      const summary = trainConfig(cfg, data, { onStep: (s) => steps.push(s), onEpoch: (e) => epochs.push(e.metrics) }, { initialModel, kernels });

      assert.equal(steps.length, fixture.steps.length);
      fixture.steps.forEach((expected, i) => {
        assert.ok(relClose(steps[i]!.loss, expected.loss, LOSS_TOLERANCE), `step ${i + 1} loss ${steps[i]!.loss} vs torch ${expected.loss}`);
        assert.ok(relClose(steps[i]!.gradNorm, expected.gradNorm, LOSS_TOLERANCE), `step ${i + 1} gradNorm ${steps[i]!.gradNorm} vs torch ${expected.gradNorm}`);
      });
      assert.equal(epochs.length, fixture.epochs.length);
      fixture.epochs.forEach((expected, i) => {
        const actual = epochs[i]!;
        for (const key of ['trainLoss', 'valLoss', 'gradNorm'] as const) {
          assert.ok(relClose(actual[key], expected[key], LOSS_TOLERANCE), `epoch ${i + 1} ${key} ${actual[key]} vs torch ${expected[key]}`);
        }
        assert.equal(actual.trainAccuracy, expected.trainAccuracy, `epoch ${i + 1} trainAccuracy`);
        assert.equal(actual.valAccuracy, expected.valAccuracy, `epoch ${i + 1} valAccuracy`);
      });
      fixture.finalLayers.forEach((expected, l) => {
        const actual = summary.model.layers[l]!;
        expected.weight.forEach((row, o) => row.forEach((w, i) => {
          const got = actual.weight[o]![i]!;
          assert.ok(Math.abs(got - w) <= WEIGHT_ABS + WEIGHT_REL * Math.abs(w), `layer ${l} weight[${o}][${i}] ${got} vs torch ${w}`);
        }));
        expected.bias.forEach((b, o) => {
          const got = actual.bias[o]!;
          assert.ok(Math.abs(got - b) <= WEIGHT_ABS + WEIGHT_REL * Math.abs(b), `layer ${l} bias[${o}] ${got} vs torch ${b}`);
        });
      });
    });
  }
});
