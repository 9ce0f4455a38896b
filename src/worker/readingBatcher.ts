/**
 * Batches training readings so the UI receives at most ~20 updates a second however fast the engine
 * runs. Pure (the clock is injected), so it runs in the worker and in tests alike.
 *
 * Epochs are never dropped. Steps are thinned only when one batch would exceed `maxStepsPerBatch`:
 * the steps are then cut into that many equal buckets and each bucket keeps its highest-loss step
 * (a non-finite loss counts as highest), so loss spikes and NaN/Inf survive thinning.
 */
import type { EpochMetrics, StepStats } from '../model';

/** 50 ms between batches = at most 20 updates a second, above which a loss readout only flickers. */
export const MIN_BATCH_INTERVAL_MS = 50;
/** Enough for a chart pixel per step at 20 batches/s on a wide screen, small to structured-clone. */
export const MAX_STEPS_PER_BATCH = 250;

export interface ReadingBatch {
  readonly steps: readonly StepStats[];
  readonly epochs: readonly EpochMetrics[];
}

export interface BatcherOptions {
  readonly now?: () => number;
  readonly intervalMs?: number;
  readonly maxStepsPerBatch?: number;
}

export class ReadingBatcher {
  private steps: StepStats[] = [];
  private epochs: EpochMetrics[] = [];
  private lastFlush = -Infinity;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly maxSteps: number;

  constructor(
    private readonly emit: (batch: ReadingBatch) => void,
    options: BatcherOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? MIN_BATCH_INTERVAL_MS;
    this.maxSteps = options.maxStepsPerBatch ?? MAX_STEPS_PER_BATCH;
  }

  /** Records a step; emits a batch if the interval has passed. */
  addStep(step: StepStats): void {
    this.steps.push(step);
    this.maybeFlush();
  }

  /** Records an epoch; emits a batch if the interval has passed. */
  addEpoch(epoch: EpochMetrics): void {
    this.epochs.push(epoch);
    this.maybeFlush();
  }

  get pending(): boolean {
    return this.steps.length > 0 || this.epochs.length > 0;
  }

  /** Emits whatever is pending now, regardless of the interval (at the end of a run). */
  flush(): void {
    if (!this.pending) return;
    const batch: ReadingBatch = { steps: thinSteps(this.steps, this.maxSteps), epochs: this.epochs };
    this.steps = [];
    this.epochs = [];
    this.lastFlush = this.now();
    this.emit(batch);
  }

  private maybeFlush(): void {
    if (this.now() - this.lastFlush >= this.intervalMs) this.flush();
  }
}

const spikiness = (s: StepStats): number => (Number.isFinite(s.loss) ? s.loss : Infinity);

/** Keeps at most `max` steps: per equal bucket, the one with the highest (or non-finite) loss. */
export function thinSteps(steps: readonly StepStats[], max: number): StepStats[] {
  if (steps.length <= max) return [...steps];
  const kept: StepStats[] = [];
  for (let b = 0; b < max; b++) {
    const start = Math.floor((b * steps.length) / max);
    const end = Math.floor(((b + 1) * steps.length) / max);
    let best = steps[start]!;
    for (let i = start + 1; i < end; i++) if (spikiness(steps[i]!) > spikiness(best)) best = steps[i]!;
    kept.push(best);
  }
  return kept;
}
