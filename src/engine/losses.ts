/**
 * The training criteria, computed from logits (never from probabilities) so no log(0) can occur,
 * each beside its gradient with respect to the logits.
 *
 * Both follow PyTorch's weighted-mean reduction: over rows i with labels y_i and class weights w,
 *   loss = Σ_i ℓ_i / Σ_i w_{y_i}
 * where ℓ_i already carries the weights. Without class weights every w is 1 and this is the plain mean.
 * `evaluate` accumulates the numerator and denominator separately so a split evaluated in chunks
 * gets exactly the whole-split loss.
 */
import { type FloatBuffer, logistic } from './activations';

export interface Criterion {
  readonly output: 'softmax' | 'sigmoid';
  /** Output units: C for softmax, 1 for sigmoid. */
  readonly outputs: number;
  readonly classes: number;
  /** Σ_i ℓ_i over the rows evaluated since `reset` (see the file comment). */
  lossSum: number;
  /** Σ_i w_{y_i} over the same rows. */
  weightSum: number;
  /** Rows whose predicted class (argmax; for sigmoid, logit > 0) equals the label. */
  correct: number;
  reset(): void;
  /**
   * Adds `rows` rows of logits ([rows][outputs]) to the sums. With `dLogits`, also writes the
   * gradient of THIS call's loss (its own Σℓ / Σw) with respect to each logit.
   */
  evaluate(logits: FloatBuffer, labels: Int32Array, rows: number, dLogits: FloatBuffer | null): void;
  /** probabilities[rows][classes] from logits (for sigmoid: [1 - σ(z), σ(z)]). */
  probabilities(logits: FloatBuffer, rows: number, out: FloatBuffer): void;
}

/**
 * Softmax cross-entropy with label smoothing ε and class weights w, exactly
 * torch.nn.CrossEntropyLoss(weight=w, label_smoothing=ε, reduction='mean'):
 *   ℓ_i = (1-ε)·w_{y_i}·(-log p_{i,y_i}) + (ε/C)·Σ_c w_c·(-log p_{i,c}),  log p = z - logsumexp(z)
 * (torch weights the smoothing term per class and divides both terms by Σ_i w_{y_i}).
 * Gradient: ∂ℓ_i/∂z_{ij} = (1-ε)·w_{y_i}·(p_j - [j = y_i]) + (ε/C)·(W·p_j - w_j), W = Σ_c w_c.
 * logsumexp is taken after subtracting the row maximum, so it is finite for any finite logits.
 */
export class SoftmaxCrossEntropy implements Criterion {
  readonly output = 'softmax' as const;
  readonly outputs: number;
  lossSum = 0;
  weightSum = 0;
  correct = 0;
  private readonly totalWeight: number;

  constructor(
    readonly classes: number,
    private readonly smoothing: number,
    /** One weight per class, or null for all 1. */
    private readonly weights: Float64Array | null,
  ) {
    this.outputs = classes;
    let total = 0;
    for (let c = 0; c < classes; c++) total += weights === null ? 1 : weights[c]!;
    this.totalWeight = total;
  }

  reset(): void {
    this.lossSum = 0;
    this.weightSum = 0;
    this.correct = 0;
  }

  evaluate(logits: FloatBuffer, labels: Int32Array, rows: number, dLogits: FloatBuffer | null): void {
    const C = this.classes;
    const w = this.weights;
    const eps = this.smoothing;
    const smoothPerClass = eps / C;
    let callWeight = 0;
    for (let i = 0; i < rows; i++) callWeight += w === null ? 1 : w[labels[i]!]!;
    const scale = 1 / callWeight;
    let lossSum = 0;
    let correct = 0;
    for (let i = 0, o = 0; i < rows; i++, o += C) {
      const y = labels[i]!;
      let max = -Infinity;
      let argmax = 0;
      for (let c = 0; c < C; c++) {
        const z = logits[o + c]!;
        if (z > max) {
          max = z;
          argmax = c;
        }
      }
      if (argmax === y) correct++;
      let sumExp = 0;
      for (let c = 0; c < C; c++) sumExp += Math.exp(logits[o + c]! - max);
      const logSumExp = max + Math.log(sumExp);
      const wy = w === null ? 1 : w[y]!;
      let loss = (1 - eps) * wy * (logSumExp - logits[o + y]!);
      if (eps !== 0) {
        let smooth = 0;
        for (let c = 0; c < C; c++) smooth += (w === null ? 1 : w[c]!) * (logSumExp - logits[o + c]!);
        loss += smoothPerClass * smooth;
      }
      lossSum += loss;
      if (dLogits !== null) {
        for (let c = 0; c < C; c++) {
          const p = Math.exp(logits[o + c]! - logSumExp);
          let g = (1 - eps) * wy * (c === y ? p - 1 : p);
          if (eps !== 0) g += smoothPerClass * (this.totalWeight * p - (w === null ? 1 : w[c]!));
          dLogits[o + c] = g * scale;
        }
      }
    }
    this.lossSum += lossSum;
    this.weightSum += callWeight;
    this.correct += correct;
  }

  probabilities(logits: FloatBuffer, rows: number, out: FloatBuffer): void {
    const C = this.classes;
    for (let o = 0; o < rows * C; o += C) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[o + c]!);
      let sumExp = 0;
      for (let c = 0; c < C; c++) sumExp += Math.exp(logits[o + c]! - max);
      for (let c = 0; c < C; c++) out[o + c] = Math.exp(logits[o + c]! - max) / sumExp;
    }
  }
}

/**
 * One sigmoid unit whose probability is that of the SECOND class (docs/config.md), with binary
 * cross-entropy from the logit z, as torch.nn.BCEWithLogitsLoss:
 *   ℓ_i = w_{y_i}·(max(z,0) - z·y + log1p(e^(-|z|)))    (never log(0), for any finite z)
 * and PyTorch's weighted mean Σ ℓ_i / Σ w_{y_i}. Gradient: ∂ℓ_i/∂z = w_{y_i}·(σ(z) - y).
 * Label smoothing does not apply (softmax only).
 */
export class SigmoidBinaryCrossEntropy implements Criterion {
  readonly output = 'sigmoid' as const;
  readonly outputs = 1;
  readonly classes = 2;
  lossSum = 0;
  weightSum = 0;
  correct = 0;

  constructor(private readonly weights: Float64Array | null) {}

  reset(): void {
    this.lossSum = 0;
    this.weightSum = 0;
    this.correct = 0;
  }

  evaluate(logits: FloatBuffer, labels: Int32Array, rows: number, dLogits: FloatBuffer | null): void {
    const w = this.weights;
    let callWeight = 0;
    for (let i = 0; i < rows; i++) callWeight += w === null ? 1 : w[labels[i]!]!;
    const scale = 1 / callWeight;
    let lossSum = 0;
    let correct = 0;
    for (let i = 0; i < rows; i++) {
      const y = labels[i]!;
      const z = logits[i]!;
      const wy = w === null ? 1 : w[y]!;
      if ((z > 0 ? 1 : 0) === y) correct++;
      lossSum += wy * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
      if (dLogits !== null) dLogits[i] = wy * (logistic(z) - y) * scale;
    }
    this.lossSum += lossSum;
    this.weightSum += callWeight;
    this.correct += correct;
  }

  probabilities(logits: FloatBuffer, rows: number, out: FloatBuffer): void {
    for (let i = 0; i < rows; i++) {
      const p = logistic(logits[i]!);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
  }
}
