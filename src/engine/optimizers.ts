/**
 * Optimizers over the network's one flat parameter block, with PyTorch's update rules so runs match
 * torch step for step. Each `step()` reads the gradients in place and updates the parameters in place.
 */
import type { OptimizerConfig } from '../config/types';
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

  constructor(params: Float32Array, grads: Float32Array, learningRate: number, private readonly momentum: number, private readonly weightDecay: number, arena: Arena) {
    super(params, grads, learningRate);
    this.velocity = momentum !== 0 ? arena.take(params.length) : null;
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

/**
 * torch.optim.Adam (Kingma & Ba 2015, with PyTorch's bias-correction order): weight_decay is
 * COUPLED (added to the gradient, i.e. L2). Runs in one pass through `kernels.adam`.
 */
export class Adam extends Optimizer {
  private readonly m: Float32Array;
  private readonly v: Float32Array;

  constructor(
    params: Float32Array,
    grads: Float32Array,
    learningRate: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
    private readonly coupledDecay: number,
    private readonly decoupledDecay: number,
    private readonly kernels: Kernels,
    arena: Arena,
  ) {
    super(params, grads, learningRate);
    this.m = arena.take(params.length);
    this.v = arena.take(params.length);
  }

  protected override update(t: number): void {
    this.kernels.adam(this.params, this.grads, this.m, this.v, this.params.length, this.learningRate,
      this.beta1, this.beta2, this.epsilon, t, this.coupledDecay, this.decoupledDecay);
  }
}

/**
 * torch.optim.AdamW (Loshchilov & Hutter 2019): DECOUPLED weight decay p *= 1 - lr·λ before the
 * Adam update, on every parameter (biases too, as AdamW(model.parameters()) does).
 */
export class AdamW extends Adam {
  constructor(params: Float32Array, grads: Float32Array, config: OptimizerConfig, kernels: Kernels, arena: Arena) {
    super(params, grads, config.learningRate, config.beta1, config.beta2, config.epsilon, 0, config.weightDecay, kernels, arena);
  }
}

/** Arena floats an optimizer's state needs for `count` parameters. */
export function optimizerFootprint(config: OptimizerConfig, count: number): number {
  const padded = Math.ceil(count / 4) * 4;
  if (config.type === 'sgd') return config.momentum !== 0 ? padded : 0;
  return 2 * padded;
}

export function createOptimizer(config: OptimizerConfig, params: Float32Array, grads: Float32Array, kernels: Kernels, arena: Arena): Optimizer {
  switch (config.type) {
    case 'sgd':
      return new Sgd(params, grads, config.learningRate, config.momentum, config.weightDecay, arena);
    case 'adam':
      return new Adam(params, grads, config.learningRate, config.beta1, config.beta2, config.epsilon, config.weightDecay, 0, kernels, arena);
    case 'adamw':
      return new AdamW(params, grads, config, kernels, arena);
  }
}
