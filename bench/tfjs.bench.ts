/**
 * One benchmark child for TF.js: `node out/bench/tfjs.bench.js <W1|W2> <wasm|cpu> <seconds>`.
 * The same workload as the engine (Dense+ReLU layers, softmax cross-entropy from logits, Adam 1e-3,
 * a shuffled minibatch gathered every step), written the fast TF.js way: `optimizer.minimize` in a
 * tidy (no `model.fit` callbacks). The WASM backend runs single-threaded, its .wasm files read from
 * node_modules (no download). Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import path from 'node:path';
import { INFERENCE_BATCH, median, syntheticData, WORKLOADS } from './workloads';

const [workloadName = 'W1', backend = 'wasm', secondsArg = '2'] = process.argv.slice(2);
const workload = WORKLOADS[workloadName];
if (!workload) throw new Error(`unknown workload ${workloadName}`);
const seconds = Number(secondsArg);

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  if (backend === 'wasm') {
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${dist}${path.sep}`);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
  }
  await tf.setBackend(backend);
  await tf.ready();

  const w = workload!;
  const model = tf.sequential();
  w.hidden.forEach((units, l) => model.add(tf.layers.dense({ units, activation: 'relu', ...(l === 0 ? { inputShape: [w.inputs] } : {}) })));
  model.add(tf.layers.dense({ units: w.classes }));
  const optimizer = tf.train.adam(0.001);

  const data = syntheticData(w, w.trainRows, 7);
  const x = tf.tensor2d(data.x, [w.trainRows, w.inputs]);
  const y = tf.oneHot(tf.tensor1d(data.y, 'int32'), w.classes).toFloat();
  const batches = w.trainRows / w.batch;
  let next = batches;
  let order = new Uint32Array(0);

  /** `steps` training steps on shuffled minibatches (reshuffled every epoch); samples/s. */
  const block = (steps: number): { wall: number; cpu: number } => {
    const [t0, c0] = [performance.now(), cpuSeconds()];
    for (let s = 0; s < steps; s++) {
      if (next === batches) [order, next] = [tf.util.createShuffledIndices(w.trainRows), 0];
      const b = next++;
      tf.tidy(() => {
        const idx = tf.tensor1d(Int32Array.from(order.subarray(b * w.batch, (b + 1) * w.batch)), 'int32');
        const xb = tf.gather(x, idx);
        const yb = tf.gather(y, idx);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb) as tf.Tensor), false);
      });
    }
    return { wall: (steps * w.batch) / ((performance.now() - t0) / 1000), cpu: (steps * w.batch) / Math.max(1e-6, cpuSeconds() - c0) };
  };

  // Warm-up (kernels compiled, Adam's slots created), then blocks of about a sixth of the budget.
  block(3);
  const stepsPerBlock = Math.max(2, Math.round((seconds / 6) * block(3).wall / w.batch));
  const rates: { wall: number; cpu: number }[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until || rates.length < 3) rates.push(block(stepsPerBlock));

  const xi = tf.tensor2d(syntheticData(w, INFERENCE_BATCH, 5).x, [INFERENCE_BATCH, w.inputs]);
  const infer: { wall: number; cpu: number }[] = [];
  const inferUntil = performance.now() + (seconds * 1000) / 2;
  for (let warm = 0; warm < 3; warm++) tf.tidy(() => (model.predict(xi) as tf.Tensor).dataSync());
  while (performance.now() < inferUntil || infer.length < 5) {
    const [t0, c0] = [performance.now(), cpuSeconds()];
    for (let r = 0; r < 5; r++) tf.tidy(() => (model.predict(xi) as tf.Tensor).dataSync());
    infer.push({ wall: (5 * INFERENCE_BATCH) / ((performance.now() - t0) / 1000), cpu: (5 * INFERENCE_BATCH) / Math.max(1e-6, cpuSeconds() - c0) });
  }
  const medians = (list: { wall: number; cpu: number }[]) => ({ wall: median(list.map((r) => r.wall)), cpu: median(list.map((r) => r.cpu)) });
  process.stdout.write(JSON.stringify({
    impl: `tfjs-${backend}`, workload: w.name, train: medians(rates), blocks: rates.length,
    infer: medians(infer), maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
