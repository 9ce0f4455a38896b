/**
 * One optimizer step, in PyTorch's order: forward (training mode, fresh dropout masks), criterion
 * from the logits, backward, + L1/L2 penalty gradient, global-norm clipping, optimizer update.
 * It returns the step's stats object, which detectors read directly (the ConvNetJS Trainer.train
 * habit); that object is the only allocation of a step.
 */
import type { StepStats } from '../model';
import type { Criterion } from './losses';
import type { Network } from './network';
import type { Optimizer } from './optimizers';
import type { Rng } from '../rng';

/** torch.nn.utils.clip_grad_norm_ adds this to the norm before dividing. */
const CLIP_EPSILON = 1e-6;

export interface StepSettings {
  readonly l1: number;
  readonly l2: number;
  /** Max global L2 norm of the gradients, or null for no clipping. */
  readonly gradientClip: number | null;
  readonly learningRate: number;
}

export class TrainingStep {
  constructor(
    private readonly network: Network,
    private readonly criterion: Criterion,
    private readonly optimizer: Optimizer,
    private readonly dropoutRng: Rng,
    private readonly settings: StepSettings,
  ) {}

  /** Rows of the last step the model classified correctly (for the epoch's training accuracy). */
  get correct(): number {
    return this.criterion.correct;
  }

  /** Trains on the first `rows` rows of `network.input` with `labels`. */
  run(rows: number, labels: Int32Array, step: number, epoch: number, batch: number): StepStats {
    const { network, criterion, settings } = this;
    const began = performance.now();
    if (network.shape.dropout > 0) network.sampleDropout(this.dropoutRng, rows);
    network.forward(rows, true);
    criterion.reset();
    criterion.evaluate(network.logits, labels, rows, network.dLogits);
    const loss = criterion.lossSum / criterion.weightSum;
    network.backward(rows);
    network.addPenaltyGradient(settings.l1, settings.l2);
    const layerCount = network.layers.length;
    const layerGradNorms = new Array<number>(layerCount);
    let squaredTotal = 0;
    for (let l = 0; l < layerCount; l++) {
      const s = network.layerGradSquaredNorm(l);
      squaredTotal += s;
      layerGradNorms[l] = Math.sqrt(s);
    }
    const gradNorm = Math.sqrt(squaredTotal);
    if (settings.gradientClip !== null) {
      // torch.nn.utils.clip_grad_norm_: clip_coef = max_norm / (total_norm + 1e-6), applied when < 1.
      const coefficient = settings.gradientClip / (gradNorm + CLIP_EPSILON);
      if (coefficient < 1) network.scaleGrads(coefficient);
    }
    this.optimizer.step();
    const timeMs = performance.now() - began;
    const deadFractions = new Array<number>(layerCount - 1);
    for (let l = 0; l < layerCount - 1; l++) deadFractions[l] = network.deadFraction(l);
    return { step, epoch, batch, loss, gradNorm, layerGradNorms, deadFractions, learningRate: settings.learningRate, timeMs };
  }
}
