/**
 * Dead units: a large share of a hidden layer's ReLU units never activate. Per epoch, a layer's
 * dead share is the MINIMUM over the epoch's steps of StepStats.deadFractions (dead for every row of
 * a batch): a unit dead on the whole training set is dead in every batch, so the minimum is close to
 * the share dead on the whole set (an upper bound of it), while units that fire rarely drop out.
 * Raised when a layer stays at or above `deadFraction` for `epochs` consecutive epochs: `info`
 * (a net that still learns often has spare units), a `warning` from `warningFraction`. ReLU only.
 */
import type { StepStats } from '../model';
import { compact, leakyRelu, lowerLearningRate } from './fixes';
import { pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const DEAD_UNITS_DEFAULTS = {
  /**
   * Share of a layer's units dead on the whole epoch. A judgement call, not a published constant: at
   * He initialisation a unit is dead on a whole training set only by rare chance, and healthy runs in
   * the scenario suite stay far below one half; past half, the layer has lost most of its capacity.
   */
  deadFraction: 0.5,
  /** A warning (not info) from this share: most of the layer is gone. */
  warningFraction: 0.8,
  /** Consecutive epochs it must last. */
  epochs: 2,
  /** The learning-rate cut offered: a gentler 3× (half an order of magnitude) than for an explosion. */
  learningRateFactor: 3,
};

export class DeadUnitsDetector implements Detector {
  readonly kind = 'dead-units' as const;
  private readonly t: typeof DEAD_UNITS_DEFAULTS;
  private epochMin: number[] | null = null;
  private streak = 0;
  private streakStart = 0;
  private raised = false;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('dead-units', DEAD_UNITS_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onStep(s: StepStats): void {
    const activation = this.env.ctx.config?.model.activation;
    if (s.deadFractions.length === 0 || (activation !== undefined && activation !== 'relu')) return;
    if (!this.epochMin) this.epochMin = [...s.deadFractions];
    else for (let l = 0; l < s.deadFractions.length; l++) this.epochMin[l] = Math.min(this.epochMin[l] ?? 1, s.deadFractions[l]!);
  }

  onEpoch(event: EpochInput): void {
    const dead = this.epochMin;
    this.epochMin = null;
    if (!dead || this.raised) return;
    let worst = 0;
    for (let l = 1; l < dead.length; l++) if (dead[l]! > dead[worst]!) worst = l;
    if (dead[worst]! < this.t.deadFraction) {
      this.streak = 0;
      return;
    }
    if (this.streak++ === 0) this.streakStart = event.metrics.epoch;
    if (this.streak < this.t.epochs || this.env.raised('dead-network')) return;
    this.raised = true;
    const ctx = this.env.ctx;
    const layerUnits = ctx.config?.model.hidden[worst];
    const units = layerUnits ? ` (about ${Math.round(dead[worst]! * layerUnits)} of ${layerUnits})` : '';
    this.env.raise({
      kind: 'dead-units',
      severity: dead[worst]! >= this.t.warningFraction ? 'warning' : 'info',
      epoch: event.metrics.epoch,
      message:
        `Dead units: ${pct(dead[worst]!, 0)} of the ReLU units of hidden layer ${worst + 1}${units} output 0 for every training batch since epoch ${this.streakStart}. ` +
        `They get no gradient and no longer learn, so the network is effectively smaller than configured. ` +
        `Try leaky ReLU or a lower learning rate.`,
      evidence: { onsetEpoch: this.streakStart, layer: worst + 1, deadFraction: dead[worst]!, deadFractionsByLayer: dead },
      fix: compact([leakyRelu(ctx), lowerLearningRate(ctx, this.t.learningRateFactor, 'large updates push units into the dead zone')]),
    });
  }
}
