/**
 * Temperature scaling (Guo et al. 2017, §4.2): divide the logits by one scalar T > 0 fitted to
 * minimise the negative log-likelihood on the validation set. T > 1 softens an overconfident
 * model, T < 1 sharpens an underconfident one; accuracy never changes (argmax is unchanged).
 * For a sigmoid output the single logit (of the SECOND class) is scaled: p = σ(z / T).
 */
import type { SplitOutputs } from '../model';

/** The search range of T. Beyond it the data would be (nearly) separable and NLL keeps falling. */
export const TEMPERATURE_MIN = 0.05;
export const TEMPERATURE_MAX = 20;

/**
 * True when a fitted T sits at the edge of [TEMPERATURE_MIN, TEMPERATURE_MAX]: the NLL was still
 * falling there (a validation set so small or so cleanly separated that sharpening never costs), so
 * T is no estimate and must not be applied.
 */
export function temperatureAtSearchBound(t: number): boolean {
  return t <= TEMPERATURE_MIN * 1.001 || t >= TEMPERATURE_MAX / 1.001;
}
/** Golden-section stops when the ln T bracket is this narrow: T to a relative 1e-7. */
const LN_T_TOLERANCE = 1e-7;

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Mean NLL of the labels under logits / T.
 * softmax: mean_i [ logsumexp_k(z_ik / T) - z_iy / T ];  sigmoid: mean_i [ softplus(z_i / T) - y_i z_i / T ].
 */
export function temperatureNll(outputs: SplitOutputs, temperature: number): number {
  const { rows, logits, labels } = outputs;
  if (rows === 0) return 0;
  const beta = 1 / temperature;
  let total = 0;
  if (outputs.output === 'sigmoid') {
    for (let i = 0; i < rows; i++) {
      const z = beta * logits[i]!;
      total += softplus(z) - (labels[i] === 1 ? z : 0);
    }
  } else {
    const c = outputs.classes;
    for (let i = 0; i < rows; i++) {
      let max = -Infinity;
      for (let k = 0; k < c; k++) max = Math.max(max, beta * logits[i * c + k]!);
      let sum = 0;
      for (let k = 0; k < c; k++) sum += Math.exp(beta * logits[i * c + k]! - max);
      total += max + Math.log(sum) - beta * logits[i * c + labels[i]!]!;
    }
  }
  return total / rows;
}

/**
 * The T that minimises the validation NLL. The NLL is convex in β = 1/T (log-sum-exp of a linear
 * function of β), hence unimodal in ln T, so a golden-section search over ln T is exact and robust
 * (no step size, no gradient). Returns 1 for an empty or non-finite input.
 */
export function fitTemperature(outputs: SplitOutputs): number {
  if (outputs.rows === 0) return 1;
  for (let i = 0; i < outputs.logits.length; i++) if (!Number.isFinite(outputs.logits[i]!)) return 1;
  let lo = Math.log(TEMPERATURE_MIN);
  let hi = Math.log(TEMPERATURE_MAX);
  const invPhi = (Math.sqrt(5) - 1) / 2;
  let a = hi - invPhi * (hi - lo);
  let b = lo + invPhi * (hi - lo);
  let fa = temperatureNll(outputs, Math.exp(a));
  let fb = temperatureNll(outputs, Math.exp(b));
  while (hi - lo > LN_T_TOLERANCE) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - invPhi * (hi - lo);
      fa = temperatureNll(outputs, Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + invPhi * (hi - lo);
      fb = temperatureNll(outputs, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Class probabilities [rows][C] from logits / T (for sigmoid: [1 - p, p] with p = σ(z / T)). */
export function scaledProbabilities(outputs: SplitOutputs, temperature: number): Float64Array {
  const { rows, logits, classes } = outputs;
  const probs = new Float64Array(rows * classes);
  const beta = 1 / temperature;
  if (outputs.output === 'sigmoid') {
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-beta * logits[i]!));
      probs[2 * i] = 1 - p;
      probs[2 * i + 1] = p;
    }
    return probs;
  }
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, beta * logits[i * classes + k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += probs[i * classes + k] = Math.exp(beta * logits[i * classes + k]! - max);
    for (let k = 0; k < classes; k++) probs[i * classes + k]! /= sum;
  }
  return probs;
}
