/**
 * Oscillation / learning rate too high: the epoch training loss goes up and down instead of down.
 * Over the last `window` epochs: at least `minRises` epoch-to-epoch rises, a typical (median) move
 * of at least `minSwing` of the loss level, no net progress across the window (the last half's
 * median is not `minImprovement` below the first half's), while the loss is still ≥
 * `minChanceFraction` · ln C (near zero loss, relative swings mean nothing). A healthy run's epoch
 * mean falls almost monotonically: its minibatch noise averages out within the epoch.
 */
import { compact, lowerLearningRate } from './fixes';
import { chanceLevel } from './runContext';
import { fmt, median, pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const OSCILLATION_DEFAULTS = {
  window: 8,
  /** Rises among the window's `window - 1` moves; a random walk would show about half. */
  minRises: 3,
  /** Median |Δ loss| / median loss over the window. */
  minSwing: 0.1,
  /** Net progress across the window (relative) below which the oscillation "goes nowhere". */
  minImprovement: 0.1,
  minChanceFraction: 0.1,
  /** The cut offered: √10 ≈ 3, half a decade: the run is unstable but not diverging, so a full decade may overshoot into "too low". */
  learningRateFactor: 3,
};

export class OscillationDetector implements Detector {
  readonly kind = 'oscillation' as const;
  private readonly t: typeof OSCILLATION_DEFAULTS;
  private readonly losses: { epoch: number; loss: number }[] = [];
  private raised = false;
  private seenClasses: number | undefined;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('oscillation', OSCILLATION_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onEpoch(event: EpochInput): void {
    const m = event.metrics;
    if (event.validation) this.seenClasses ??= event.validation.classes;
    if (this.raised || !Number.isFinite(m.trainLoss)) return;
    this.losses.push({ epoch: m.epoch, loss: m.trainLoss });
    const w = Math.max(4, Math.round(this.t.window));
    if (this.losses.length < w) return;
    if (this.env.raised('exploding-loss') || this.env.raised('dead-network')) return;
    const win = this.losses.slice(-w).map((p) => p.loss);
    let rises = 0;
    const moves: number[] = [];
    for (let i = 1; i < win.length; i++) {
      if (win[i]! > win[i - 1]!) rises++;
      moves.push(Math.abs(win[i]! - win[i - 1]!));
    }
    const level = median(win);
    const swing = median(moves) / level;
    const half = Math.floor(w / 2);
    const firstHalf = median(win.slice(0, half));
    const lastHalf = median(win.slice(-half));
    const improvement = (firstHalf - lastHalf) / firstHalf;
    const chance = chanceLevel(this.env.ctx, this.seenClasses);
    if (rises < this.t.minRises || !(swing >= this.t.minSwing) || improvement >= this.t.minImprovement) return;
    if (chance !== undefined && level < this.t.minChanceFraction * chance) return;
    this.raised = true;
    const ctx = this.env.ctx;
    const start = this.losses[this.losses.length - w]!.epoch;
    const batch = ctx.config?.training.batchSize;
    this.env.raise({
      kind: 'oscillation',
      severity: 'warning',
      epoch: m.epoch,
      message:
        `Oscillating loss since epoch ${start}: over the last ${w} epochs the training loss rose ${rises} times, typically moving ${pct(swing, 0)} of its level (${fmt(level)}) per epoch, ` +
        `and made ${improvement > 0 ? `only ${pct(improvement, 0)}` : 'no'} net progress. The steps overshoot the minimum: the learning rate (${fmt(m.learningRate)}) is probably too high. ` +
        `Try a learning rate ${fmt(this.t.learningRateFactor)}× lower${batch ? ' or a larger batch' : ''}.`,
      evidence: { onsetEpoch: start, rises, window: w, swing, level, netImprovement: improvement, learningRate: m.learningRate },
      fix: compact([
        lowerLearningRate(ctx, this.t.learningRateFactor, 'half a decade: unstable but not diverging'),
        batch ? { title: `Double the batch size to ${batch * 2} (less gradient noise)`, edits: [{ path: 'training.batchSize', value: batch * 2 }] } : null,
      ]),
    });
  }
}
