/**
 * GEMM micro-benchmark child: `node out/bench/gemm.bench.js <seconds>`. GFLOP/s of every GEMM one
 * training step of W1 and W2 performs (forward NT, weight-gradient TN, input-gradient NN), for the
 * WebAssembly SIMD kernels and the plain-TypeScript ones; prints one JSON line. Rates are per CPU
 * second of the process, so other jobs on a shared machine do not distort them.
 */
import { jsKernels } from '../src/engine/jsKernels';
import type { Kernels } from '../src/engine/kernels';
import { createWasmKernels } from '../src/engine/wasm/wasmKernels';
import { compileKernelsOptimized } from '../src/run/wasmTier';
import { layerSizes, median, WORKLOADS } from './workloads';

// As the product compiles them (runTraining): TurboFan from the first call.
compileKernelsOptimized();

interface Shape { readonly label: string; readonly op: 'NT' | 'TN' | 'NN'; readonly m: number; readonly n: number; readonly k: number }

function stepShapes(): Shape[] {
  const shapes: Shape[] = [];
  for (const w of Object.values(WORKLOADS)) {
    const s = layerSizes(w);
    for (let l = 1; l < s.length; l++) {
      const [fanIn, fanOut] = [s[l - 1]!, s[l]!];
      shapes.push({ label: `${w.name} L${l} forward`, op: 'NT', m: w.batch, n: fanOut, k: fanIn });
      shapes.push({ label: `${w.name} L${l} dW`, op: 'TN', m: fanOut, n: fanIn, k: w.batch });
      if (l > 1) shapes.push({ label: `${w.name} L${l} dX`, op: 'NN', m: w.batch, n: fanIn, k: fanOut });
    }
  }
  shapes.push({ label: 'square 256', op: 'NT', m: 256, n: 256, k: 256 });
  return shapes;
}

const seconds = Number(process.argv[2] ?? '4');
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const shapes = stepShapes();
const implementations: Record<string, Kernels> = { wasm: createWasmKernels(jsKernels), js: jsKernels };
const perImplementation = (seconds * 1000) / shapes.length / 2;
const results = shapes.map((shape) => {
  const flops = 2 * shape.m * shape.n * shape.k;
  const gflops: Record<string, number> = {};
  for (const [name, kernels] of Object.entries(implementations)) {
    const arena = kernels.createArena(shape.m * shape.k + shape.n * shape.k + shape.m * shape.n + shape.n + 64);
    const a = arena.take(shape.op === 'TN' ? shape.k * shape.m : shape.m * shape.k);
    const b = arena.take(shape.op === 'NT' ? shape.n * shape.k : shape.k * shape.n);
    const c = arena.take(shape.m * shape.n);
    const bias = arena.take(shape.n);
    for (const v of [a, b, bias]) for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 0.37);
    const run = shape.op === 'NT' ? () => kernels.gemmNT(a, b, c, shape.m, shape.n, shape.k, bias)
      : shape.op === 'TN' ? () => kernels.gemmTN(a, b, c, shape.m, shape.n, shape.k)
        : () => kernels.gemmNN(a, b, c, shape.m, shape.n, shape.k);
    for (let warm = 0; warm < 20; warm++) run(); // past WebAssembly's baseline tier
    const t1 = performance.now();
    run();
    const reps = Math.max(1, Math.round(perImplementation / 10 / Math.max(0.001, performance.now() - t1)));
    const rates: number[] = [];
    const until = performance.now() + perImplementation;
    while (performance.now() < until || rates.length < 5) {
      const c0 = cpuSeconds();
      for (let r = 0; r < reps; r++) run();
      rates.push((reps * flops) / Math.max(1e-6, cpuSeconds() - c0) / 1e9);
    }
    gflops[name] = median(rates);
  }
  return { ...shape, gflops };
});
process.stdout.write(JSON.stringify({ impl: 'gemm', results }) + '\n');
