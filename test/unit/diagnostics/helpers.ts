/** Builders for constructed event streams (not a test file: imported by the tests). */
import type { EpochMetrics, SplitOutputs, StepStats } from '../../../src/model';

export function softmaxOutputs(logits: number[][], labels: number[]): SplitOutputs {
  const rows = logits.length;
  const classes = logits[0]!.length;
  const probabilities = new Float32Array(rows * classes);
  logits.forEach((z, i) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, k) => (probabilities[i * classes + k] = v / s));
  });
  return { output: 'softmax', classes, rows, logits: Float32Array.from(logits.flat()), probabilities, labels: Int32Array.from(labels) };
}

export function sigmoidOutputs(logits: number[], labels: number[]): SplitOutputs {
  const probabilities = new Float32Array(logits.length * 2);
  logits.forEach((z, i) => {
    const p = 1 / (1 + Math.exp(-z));
    probabilities[2 * i] = 1 - p;
    probabilities[2 * i + 1] = p;
  });
  return { output: 'sigmoid', classes: 2, rows: logits.length, logits: Float32Array.from(logits), probabilities, labels: Int32Array.from(labels) };
}

/** Outputs given directly as probabilities (logits = log p, so softmax(logits) = p). */
export function probabilityOutputs(probs: number[][], labels: number[]): SplitOutputs {
  return softmaxOutputs(probs.map((p) => p.map((v) => Math.log(v))), labels);
}

export function metrics(epoch: number, trainLoss: number, valLoss: number, valAccuracy = NaN, trainAccuracy = NaN): EpochMetrics {
  return { epoch, trainLoss, valLoss, trainAccuracy, valAccuracy, learningRate: 0.001, gradNorm: 1, timeMs: 1 };
}

export function step(stepNo: number, loss: number, over: Partial<StepStats> = {}): StepStats {
  return { step: stepNo, epoch: 1, batch: stepNo - 1, loss, gradNorm: 1, layerGradNorms: [1], deadFractions: [0.1], learningRate: 0.001, timeMs: 1, ...over };
}

export { noise } from '../helpers/noise';


export { config } from '../helpers/config';
