/** What detectors derive from the run context, with graceful gaps for foreign logs. */
import type { EpochMetrics } from '../model';
import type { DetectorEnv, RunContext } from './types';
import { chanceLoss, priorEntropy } from './stats';

/** The number of classes, if known. */
export function classCount(ctx: RunContext, seen?: number): number | undefined {
  return ctx.classes?.length ?? ctx.trainClassCounts?.length ?? seen;
}

/** ln C: the cross-entropy of guessing uniformly; undefined when C is unknown. */
export function chanceLevel(ctx: RunContext, seen?: number): number | undefined {
  const c = classCount(ctx, seen);
  return c && c >= 2 ? chanceLoss(c) : undefined;
}

/** The loss of predicting the training prior (what a dead network converges to): H(prior), else ln C. */
export function priorLevel(ctx: RunContext, seen?: number): number | undefined {
  if (ctx.trainClassCounts && ctx.trainClassCounts.length >= 2) return priorEntropy(ctx.trainClassCounts);
  return chanceLevel(ctx, seen);
}

/** The explosion's "far above chance" factor (explodingLoss.ts EXPLODING_LOSS_DEFAULTS.chanceFactor). */
const DIVERGED_CHANCE_FACTOR = 3;

/**
 * True while a cause already explains every other symptom: the network is dead, or the loss has
 * exploded (error) and not come back below `3 · ln C`. Overfitting, miscalibration, oscillation and
 * plateau stay quiet then: a diverged run's rising validation loss is not overfitting.
 */
export function brokenRun(env: DetectorEnv, m?: EpochMetrics, seenClasses?: number): boolean {
  if (env.raised('dead-network')) return true;
  const exploded = env.raised('exploding-loss');
  if (!exploded || exploded.severity !== 'error') return false;
  if (!m) return true;
  const chance = chanceLevel(env.ctx, seenClasses);
  return !Number.isFinite(m.trainLoss) || chance === undefined || m.trainLoss > DIVERGED_CHANCE_FACTOR * chance;
}
