/**
 * Which epoch a global step belongs to, from the (step, epoch) pairs a log recorded. Lightning
 * numbers everything by its global step and records the epoch beside it: as the `epoch` column of
 * metrics.csv, as an `epoch` scalar in TensorBoard. Some values come without one (LearningRateMonitor
 * logs `lr-Adam` at an epoch's first step before any metric of that epoch): those take the epoch of
 * the next mark, since a value logged at step s comes before, or with, the metrics logged at s.
 */
export interface EpochMark {
  readonly step: number;
  /** Where the mark was written (a wall time, or a line number): breaks ties between marks at one step. */
  readonly order: number;
  readonly epoch: number;
}

/** A lookup of the epoch of a step, as the log numbers epochs (Lightning: from 0). */
export function epochLookup(marks: readonly EpochMark[]): (step: number, order: number) => number | undefined {
  const sorted = [...marks].sort((a, b) => a.step - b.step || a.order - b.order);
  return (step, order) => {
    if (!sorted.length) return undefined;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.step < step) lo = mid + 1;
      else hi = mid;
    }
    if (lo === sorted.length) return sorted[sorted.length - 1]!.epoch;
    // Marks at this very step (an epoch's last metrics and the next epoch's first can share one):
    // the one written nearest to the value.
    let best = sorted[lo]!;
    for (let i = lo; i < sorted.length && sorted[i]!.step === step; i++) {
      if (Math.abs(sorted[i]!.order - order) < Math.abs(best.order - order)) best = sorted[i]!;
    }
    return best.epoch;
  };
}

/**
 * Steps per epoch when every (last step of an epoch, 1-based epoch) pair agrees on one whole
 * number, else undefined. Keras's TensorBoard callback writes `evaluation_loss_vs_iterations` at the
 * optimizer's iteration count after each recorded epoch: with it, a batch's epoch is known even
 * when Keras skipped that epoch's own summaries (an integer `update_freq`).
 */
export function uniformStepsPerEpoch(ends: readonly { readonly step: number; readonly epoch: number }[]): number | undefined {
  if (!ends.length) return undefined;
  const per = ends[0]!.step / ends[0]!.epoch;
  if (!Number.isInteger(per) || per < 1) return undefined;
  return ends.every((p) => p.step === per * p.epoch) ? per : undefined;
}
