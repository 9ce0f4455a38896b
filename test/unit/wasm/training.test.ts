import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LossLensConfig } from '../../../src/config/types';
import type { EpochMetrics } from '../../../src/model';
import { jsKernels } from '../../../src/engine/jsKernels';
import type { Kernels } from '../../../src/engine/kernels';
import { trainConfig } from '../helpers/config';
import { createKernels, createWasmKernels, wasmSimdAvailable } from '../../../src/engine/wasm';
import { config, realDataset } from '../engine/helpers';

/**
 * Whole runs: the same config, data and seed with the WebAssembly kernels and with the plain-JS
 * reference must give the same training to float32 rounding. The kernels differ only in the order
 * of float32 partial sums, so per-epoch losses and final weights agree to a small relative tolerance
 * after a few epochs (differences grow slowly through training; a real bug shows at the first step).
 */
const RELATIVE = 2e-4;

function run(cfg: LossLensConfig, kernels: Kernels) {
  const data = realDataset('digits');
  const epochs: EpochMetrics[] = [];
  const losses: number[] = [];
  const summary = trainConfig(cfg, data, { onEpoch: (e) => epochs.push(e.metrics), onStep: (s) => losses.push(s.loss) }, { kernels });
  return { epochs, losses, summary };
}

function close(a: number, b: number, scale: number): boolean {
  return Math.abs(a - b) <= RELATIVE * Math.max(scale, Math.abs(a), Math.abs(b));
}

describe('training with the wasm kernels equals training with jsKernels', { skip: !wasmSimdAvailable() && 'no WebAssembly SIMD here' }, () => {
  const cases: [string, LossLensConfig][] = [
    ['relu, Adam, W1 layer sizes', config({ model: { hidden: [128, 128] }, training: { epochs: 3, batchSize: 32, earlyStopping: false } })],
    ['leaky-relu, AdamW, odd widths, clipping, L1+L2, partial last batch', config({
      model: { hidden: [37, 19], activation: 'leaky-relu' }, optimizer: { type: 'adamw', learningRate: 0.003, weightDecay: 0.01 },
      regularization: { l1: 1e-4, l2: 1e-3 }, training: { epochs: 3, batchSize: 50, gradientClip: 1, earlyStopping: false },
    })],
    ['tanh (JS activation inside wasm GEMMs), SGD with momentum, dropout', config({
      model: { hidden: [48], activation: 'tanh', dropout: 0.2 }, optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 },
      training: { epochs: 3, batchSize: 64, earlyStopping: false },
    })],
  ];

  for (const [name, cfg] of cases) {
    test(name, () => {
      const wasm = run(cfg, createWasmKernels(jsKernels));
      const js = run(cfg, jsKernels);
      assert.equal(wasm.losses.length, js.losses.length);
      assert.ok(close(wasm.losses[0]!, js.losses[0]!, 0), `first step loss: wasm ${wasm.losses[0]} js ${js.losses[0]}`);
      wasm.epochs.forEach((e, i) => {
        const r = js.epochs[i]!;
        assert.ok(close(e.trainLoss, r.trainLoss, 0), `epoch ${e.epoch} trainLoss: wasm ${e.trainLoss} js ${r.trainLoss}`);
        assert.ok(close(e.valLoss, r.valLoss, 0), `epoch ${e.epoch} valLoss: wasm ${e.valLoss} js ${r.valLoss}`);
        assert.ok(close(e.gradNorm, r.gradNorm, 0), `epoch ${e.epoch} gradNorm: wasm ${e.gradNorm} js ${r.gradNorm}`);
      });
      // Final weights, layer by layer, relative to the layer's largest weight.
      wasm.summary.model.layers.forEach((layer, l) => {
        const ref = js.summary.model.layers[l]!;
        const scale = Math.max(...ref.weight.flat().map(Math.abs));
        layer.weight.forEach((row, o) => row.forEach((w, i) => {
          assert.ok(close(w, ref.weight[o]![i]!, scale), `layer ${l} weight[${o}][${i}]: wasm ${w} js ${ref.weight[o]![i]}`);
        }));
      });
    });
  }

  test('createKernels() picks the WebAssembly kernels here', () => {
    assert.equal(createKernels().name, 'wasm-simd');
  });
});
