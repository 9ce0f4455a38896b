import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsKernels } from '../../../src/engine/jsKernels';
import { createWasmKernels, wasmSimdAvailable } from '../../../src/engine/wasm/wasmKernels';
import { adamRef, filled } from './reference';

const ULP = 2 ** -24;

describe('wasm Adam / AdamW', { skip: !wasmSimdAvailable() && 'no WebAssembly SIMD here' }, () => {
  const wasm = createWasmKernels(jsKernels);
  // count 4k+3: the vector loop and the scalar tail both run.
  const count = 203;
  const settings = [
    { name: 'Adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, wdCoupled: 0, wdDecoupled: 0 },
    { name: 'Adam with coupled weight decay', lr: 3e-3, beta1: 0.8, beta2: 0.99, eps: 1e-6, wdCoupled: 0.05, wdDecoupled: 0 },
    { name: 'AdamW', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, wdCoupled: 0, wdDecoupled: 0.01 },
  ];

  for (const s of settings) {
    test(`${s.name}: 5 steps equal the JS kernel and PyTorch's float64 formula to float32 rounding`, () => {
      const arenaW = wasm.createArena(4 * 256 + 64);
      const arenaJ = jsKernels.createArena(4 * 256 + 64);
      const [pw, gw, mw, vw] = [0, 1, 2, 3].map(() => arenaW.take(count));
      const [pj, gj, mj, vj] = [0, 1, 2, 3].map(() => arenaJ.take(count));
      filled(count, 11, pw!); pj!.set(pw!);
      const p64 = Float64Array.from(pw!);
      const m64 = new Float64Array(count);
      const v64 = new Float64Array(count);
      // m = β1·m + (1-β1)·g' cancels when g' changes sign: its rounding error scales with the
      // terms, bounded by the largest |g'| so far, not with the (possibly tiny) result.
      const gScale = new Float64Array(count);
      for (let step = 1; step <= 5; step++) {
        filled(count, 100 + step, gw!);
        gw![7] = 0; // a zero gradient: the update is then driven by eps and the old moments
        gj!.set(gw!);
        wasm.adam(pw!, gw!, mw!, vw!, count, s.lr, s.beta1, s.beta2, s.eps, step, s.wdCoupled, s.wdDecoupled);
        jsKernels.adam(pj!, gj!, mj!, vj!, count, s.lr, s.beta1, s.beta2, s.eps, step, s.wdCoupled, s.wdDecoupled);
        const stepSize = s.lr / (1 - s.beta1 ** step);
        for (let i = 0; i < count; i++) {
          gScale[i] = Math.max(gScale[i]!, Math.abs(gw![i]!) + s.wdCoupled * Math.abs(p64[i]!));
          [p64[i], m64[i], v64[i]] = adamRef(p64[i]!, gw![i]!, m64[i]!, v64[i]!, s.lr, s.beta1, s.beta2, s.eps, step, s.wdCoupled, s.wdDecoupled);
          // Per step each value carries a few float32 roundings; over 5 steps they add up.
          const tolP = 16 * ULP * (Math.abs(p64[i]!) + stepSize);
          assert.ok(Math.abs(pw![i]! - pj![i]!) <= tolP, `step ${step} p[${i}]: wasm ${pw![i]} js ${pj![i]}`);
          assert.ok(Math.abs(pw![i]! - p64[i]!) <= tolP, `step ${step} p[${i}]: wasm ${pw![i]} float64 ${p64[i]}`);
          assert.ok(Math.abs(mw![i]! - m64[i]!) <= 16 * ULP * gScale[i]!, `step ${step} m[${i}]: wasm ${mw![i]} float64 ${m64[i]}`);
          assert.ok(Math.abs(vw![i]! - v64[i]!) <= 16 * ULP * Math.abs(v64[i]!) + 1e-30, `step ${step} v[${i}]`);
          assert.equal(gw![i], gj![i], 'the gradient is read, never written');
        }
      }
    });
  }

  test('a parameter moves by about lr on the first step (bias correction), in the direction opposite the gradient', () => {
    const arena = wasm.createArena(64);
    const [p, g, m, v] = [0, 1, 2, 3].map(() => arena.take(5));
    g!.set([2, -3, 0.5, -1e-3, 4]);
    wasm.adam(p!, g!, m!, v!, 5, 0.01, 0.9, 0.999, 1e-8, 1, 0, 0);
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(p![i]! + 0.01 * Math.sign(g![i]!)) < 1e-6, `p[${i}] = ${p![i]}`);
  });
});
