/**
 * Early stopping on the validation loss (the Keras EarlyStopping convention): an epoch improves
 * when valLoss < best - minDelta; training stops once `patience` epochs in a row have not improved.
 * The best epoch's parameters are kept in a snapshot so they can be restored at the end.
 * Without early stopping the tracker still remembers the best epoch (minDelta 0, never stops).
 */
import type { EarlyStoppingSpec } from './spec';

export class EarlyStopping {
  bestLoss = Infinity;
  bestEpoch: number | null = null;
  private epochsWithoutImprovement = 0;

  constructor(
    private readonly config: EarlyStoppingSpec | false,
    /** Where the best epoch's parameters are copied (same length as the parameter block). */
    private readonly snapshot: Float32Array,
  ) {}

  get restoresBest(): boolean {
    return this.config !== false && this.config.restoreBest;
  }

  /** Records an epoch's validation loss; returns true when training should stop. NaN never improves. */
  update(epoch: number, validationLoss: number, params: Float32Array): boolean {
    const minDelta = this.config === false ? 0 : this.config.minDelta;
    if (validationLoss < this.bestLoss - minDelta) {
      this.bestLoss = validationLoss;
      this.bestEpoch = epoch;
      this.epochsWithoutImprovement = 0;
      if (this.restoresBest) this.snapshot.set(params);
      return false;
    }
    this.epochsWithoutImprovement++;
    return this.config !== false && this.epochsWithoutImprovement >= this.config.patience;
  }

  /** Copies the best epoch's parameters back; false when there is nothing (different) to restore. */
  restore(params: Float32Array, lastEpoch: number): boolean {
    if (!this.restoresBest || this.bestEpoch === null || this.bestEpoch === lastEpoch) return false;
    params.set(this.snapshot);
    return true;
  }
}
