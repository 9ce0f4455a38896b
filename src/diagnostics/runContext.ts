/** What detectors derive from the run context, with graceful gaps for foreign logs. */
import type { RunContext } from './types';
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
