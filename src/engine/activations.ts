/**
 * Hidden-layer activations, each beside its derivative. Both work in place over the first `count`
 * entries of a batch buffer: `forward` reads pre-activations z and writes a = f(z); `backward`
 * multiplies an upstream gradient by f'(z), reading z (kept from the forward pass).
 * Derivatives at kinks follow PyTorch's autograd so gradients match torch exactly.
 */

/** The hidden-layer activations a config may name (`model.activation`). */
export type ActivationName = 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear';
import { erfc } from './erf';

/** Any float buffer: the engine runs float32; gradient-check tests run the same code in float64. */
export type FloatBuffer = Float32Array | Float64Array;

export interface Activation {
  readonly name: ActivationName;
  /** out[i] = f(z[i]) for i < count. `out` may be `z` itself only if `backward` is not needed. */
  forward(z: FloatBuffer, out: FloatBuffer, count: number): void;
  /** grad[i] *= f'(z[i]) for i < count. */
  backward(z: FloatBuffer, grad: FloatBuffer, count: number): void;
}

/** torch.nn.LeakyReLU's default negative_slope. */
export const LEAKY_RELU_SLOPE = 0.01;
const SQRT_HALF = Math.SQRT1_2;
const ONE_OVER_SQRT_TWO_PI = 0.3989422804014327;

/** f(z) = max(z, 0); f'(z) = 1 if z > 0 else 0 (torch: the gradient at 0 is 0). */
const relu: Activation = {
  name: 'relu',
  forward(z, out, count) {
    for (let i = 0; i < count; i++) {
      const v = z[i]!;
      out[i] = v > 0 ? v : 0;
    }
  },
  backward(z, grad, count) {
    for (let i = 0; i < count; i++) if (!(z[i]! > 0)) grad[i] = 0;
  },
};

/** f(z) = z if z > 0 else 0.01·z; f'(z) = 1 if z > 0 else 0.01 (torch: the slope applies at 0). */
const leakyRelu: Activation = {
  name: 'leaky-relu',
  forward(z, out, count) {
    for (let i = 0; i < count; i++) {
      const v = z[i]!;
      out[i] = v > 0 ? v : LEAKY_RELU_SLOPE * v;
    }
  },
  backward(z, grad, count) {
    for (let i = 0; i < count; i++) if (!(z[i]! > 0)) grad[i] = grad[i]! * LEAKY_RELU_SLOPE;
  },
};

/** f(z) = tanh(z); f'(z) = 1 - tanh(z)². */
const tanh: Activation = {
  name: 'tanh',
  forward(z, out, count) {
    for (let i = 0; i < count; i++) out[i] = Math.tanh(z[i]!);
  },
  backward(z, grad, count) {
    for (let i = 0; i < count; i++) {
      const t = Math.tanh(z[i]!);
      grad[i] = grad[i]! * (1 - t * t);
    }
  },
};

/** f(z) = σ(z) = 1/(1 + e^(-z)); f'(z) = σ(z)(1 - σ(z)). */
const sigmoid: Activation = {
  name: 'sigmoid',
  forward(z, out, count) {
    for (let i = 0; i < count; i++) out[i] = logistic(z[i]!);
  },
  backward(z, grad, count) {
    for (let i = 0; i < count; i++) {
      const s = logistic(z[i]!);
      grad[i] = grad[i]! * s * (1 - s);
    }
  },
};

/**
 * Exact GELU (torch default, approximate='none'): f(z) = z·Φ(z), Φ(z) = ½(1 + erf(z/√2)) = ½·erfc(-z/√2)
 * (the erfc form keeps relative precision in the left tail); f'(z) = Φ(z) + z·φ(z), φ(z) = e^(-z²/2)/√(2π).
 */
const gelu: Activation = {
  name: 'gelu',
  forward(z, out, count) {
    for (let i = 0; i < count; i++) {
      const v = z[i]!;
      out[i] = v * 0.5 * erfc(-v * SQRT_HALF);
    }
  },
  backward(z, grad, count) {
    for (let i = 0; i < count; i++) {
      const v = z[i]!;
      const cdf = 0.5 * erfc(-v * SQRT_HALF);
      const pdf = ONE_OVER_SQRT_TWO_PI * Math.exp(-0.5 * v * v);
      grad[i] = grad[i]! * (cdf + v * pdf);
    }
  },
};

/** f(z) = z; f'(z) = 1. */
const linear: Activation = {
  name: 'linear',
  forward(z, out, count) {
    if (out !== z) for (let i = 0; i < count; i++) out[i] = z[i]!;
  },
  backward() {
    // f'(z) = 1: the gradient passes through unchanged.
  },
};

const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = {
  relu,
  'leaky-relu': leakyRelu,
  tanh,
  sigmoid,
  gelu,
  linear,
};

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as readonly ActivationName[];

export function activationByName(name: ActivationName): Activation {
  const activation = ACTIVATIONS[name];
  if (activation === undefined) throw new Error(`unknown activation "${String(name)}" (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  return activation;
}

/** σ(z) without overflow: e^(-z) is only formed for z >= 0, e^z only for z < 0. */
export function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
