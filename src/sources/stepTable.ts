/**
 * A log's step records kept compactly (four float64 columns, 32 bytes a step instead of an object):
 * what a followed log keeps so its detectors can be run again when a late file revises an epoch.
 */
import type { LogStep } from '../logs/trainingLog';

export class StepTable {
  private step = new Float64Array(1024);
  private epoch = new Float64Array(1024);
  private loss = new Float64Array(1024);
  private gradNorm = new Float64Array(1024);
  length = 0;

  push(s: LogStep): void {
    if (this.length === this.step.length) this.grow();
    const i = this.length++;
    this.step[i] = s.step;
    this.epoch[i] = s.epoch;
    this.loss[i] = s.loss;
    // NaN marks a gradient norm the log did not record (LogStep.gradNormUnknown).
    this.gradNorm[i] = s.gradNormUnknown ? NaN : s.gradNorm;
  }

  at(i: number): LogStep {
    const gradNorm = this.gradNorm[i]!;
    return Number.isNaN(gradNorm) ? { step: this.step[i]!, epoch: this.epoch[i]!, loss: this.loss[i]!, gradNorm: NaN, gradNormUnknown: true } : { step: this.step[i]!, epoch: this.epoch[i]!, loss: this.loss[i]!, gradNorm };
  }

  private grow(): void {
    const widen = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.step = widen(this.step);
    this.epoch = widen(this.epoch);
    this.loss = widen(this.loss);
    this.gradNorm = widen(this.gradNorm);
  }
}
