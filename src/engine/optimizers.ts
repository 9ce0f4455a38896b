/**
 * Optimizers over the network's one flat parameter block, with PyTorch's update rules so runs match
 * torch step for step. Each `step()` reads the gradients in place and updates the parameters in place.
 */
import type { OptimizerSpec } from './spec';
import type { Arena, Kernels } from './kernels';

export abstract class Optimizer {
  /** Steps taken so far (t in the bias corrections). */
  protected steps = 0;

  constructor(
    protected readonly params: Float32Array,
    protected readonly grads: Float32Array,
    readonly learningRate: number,
  ) {}

  step(): void {
    this.steps++;
    this.update(this.steps);
  }

  protected abstract update(t: number): void;
}

/**
 * torch.optim.SGD (dampening 0, no Nesterov): g' = g + weight_decay·p; with momentum m,
 * v = g' on the first step, then v = m·v + g'; p -= lr·v. Without momentum p -= lr·g'.
 */
export class Sgd extends Optimizer {
  private readonly velocity: Float32Array | null;

  private readonly momentum: number;
  private readonly weightDecay: number;

  constructor(params: Float32Array, grads: Float32Array, hyper: { readonly learningRate: number; readonly momentum: number; readonly weightDecay: number }, arena: Arena) {
    super(params, grads, hyper.learningRate);
    this.momentum = hyper.momentum;
    this.weightDecay = hyper.weightDecay;
    this.velocity = hyper.momentum !== 0 ? arena.take(params.length) : null;
  }

  protected override update(t: number): void {
    const p = this.params;
    const g = this.grads;
    const v = this.velocity;
    const lr = this.learningRate;
    const wd = this.weightDecay;
    const m = this.momentum;
    for (let i = 0; i < p.length; i++) {
      let d = wd === 0 ? g[i]! : g[i]! + wd * p[i]!;
      if (v !== null) {
        v[i] = t === 1 ? d : m * v[i]! + d;
        d = v[i]!;
      }
      p[i] = p[i]! - lr * d;
    }
  }
}

/** Adam's hyper-parameters (PyTorch names); `coupledDecay` is Adam's weight_decay (L2), `decoupledDecay` AdamW's. */
export interface AdamHyperparameters {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly coupledDecay: number;
  readonly decoupledDecay: number;
}

/**
 * torch.optim.Adam (Kingma & Ba 2015, with PyTorch's bias-correction order); with `decoupledDecay`
 * it is torch.optim.AdamW (Loshchilov & Hutter 2019: p *= 1 - lr·λ before the Adam update, on every
 * parameter, biases too, as AdamW(model.parameters()) does). Runs in one pass through `kernels.adam`.
 */
export class Adam extends Optimizer {
  private readonly m: Float32Array;
  private readonly v: Float32Array;

  constructor(
    params: Float32Array,
    grads: Float32Array,
    private readonly hyper: AdamHyperparameters,
    private readonly kernels: Kernels,
    arena: Arena,
  ) {
    super(params, grads, hyper.learningRate);
    this.m = arena.take(params.length);
    this.v = arena.take(params.length);
  }

  protected override update(t: number): void {
    const h = this.hyper;
    this.kernels.adam(this.params, this.grads, this.m, this.v, this.params.length, h.learningRate, h.beta1, h.beta2, h.epsilon, t, h.coupledDecay, h.decoupledDecay);
  }
}

/** Arena floats an optimizer's state needs for `count` parameters. */
export function optimizerFootprint(spec: OptimizerSpec, count: number): number {
  const padded = Math.ceil(count / 4) * 4;
  if (spec.type === 'sgd') return spec.momentum !== 0 ? padded : 0;
  return 2 * padded;
}

export function createOptimizer(spec: OptimizerSpec, params: Float32Array, grads: Float32Array, kernels: Kernels, arena: Arena): Optimizer {
  const { learningRate, beta1, beta2, epsilon, weightDecay } = spec;
  switch (spec.type) {
    case 'sgd':
      return new Sgd(params, grads, { learningRate, momentum: spec.momentum, weightDecay }, arena);
    case 'adam':
      return new Adam(params, grads, { learningRate, beta1, beta2, epsilon, coupledDecay: weightDecay, decoupledDecay: 0 }, kernels, arena);
    case 'adamw':
      return new Adam(params, grads, { learningRate, beta1, beta2, epsilon, coupledDecay: 0, decoupledDecay: weightDecay }, kernels, arena);
  }
}
