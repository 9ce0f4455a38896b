/**
 * The learning-rate range test's readings (src/diagnostics/lrRangeTest.ts holds the method): plain
 * data, so it crosses the worker and webview boundaries.
 */
import type { Flag } from './flags';

export interface RangePoint {
  readonly learningRate: number;
  readonly loss: number;
}

export interface RangeSuggestion {
  /** The suggested rate (minimum / 10), null if the curve never fell. */
  readonly suggested: number | null;
  /** The rate at the minimum of the smoothed loss. */
  readonly minimum: number | null;
  /** The rate of steepest descent of the smoothed loss (in log-rate). */
  readonly steepest: number | null;
  /** The first rate where the smoothed loss exceeded divergenceFactor × its best, if it did. */
  readonly divergedAt: number | null;
  /** The smoothed curve the suggestion read. */
  readonly smoothed: readonly RangePoint[];
}

export interface RangeTestResult extends RangeSuggestion {
  readonly points: readonly RangePoint[];
  /** ln C: the loss of guessing uniformly. A sweep whose minimum is not below it suggests nothing. */
  readonly chanceLoss: number;
  /** True when `hooks.shouldStop` ended the sweep before it diverged or reached the last rate. */
  readonly stopped: boolean;
}

/** A range test on a config, as `loss-lens lr-find` and the editor's "Find Learning Rate" report it. */
export interface LearningRateSearch {
  readonly name: string;
  readonly classes: readonly string[];
  readonly trainRows: number;
  /** The config's current `optimizer.learningRate`. */
  readonly current: number;
  readonly result: RangeTestResult;
  /** An `info` flag with the suggestion as its fix, or null when there is nothing to suggest. */
  readonly flag: Flag | null;
}
