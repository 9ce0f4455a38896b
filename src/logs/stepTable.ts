/**
 * A log's step records kept compactly: rows of four float64s and a flag byte, 33 bytes a step
 * instead of an object of about 80 and the garbage collection it costs. Readers hand their steps on
 * in one (LogUpdate's `steps`), and a followed log keeps every step it read in one, so its
 * detectors can be run again when a late file revises an epoch. A log of a million steps is one
 * table of 489 blocks, not a million objects.
 */
import type { LogStep } from './trainingLog';

/** What a reader's consumer may do with the steps it was handed. */
export interface StepRows extends Iterable<LogStep> {
  readonly length: number;
  /** The i-th step as a record (a new object each time). */
  at(i: number): LogStep;
  map<T>(fn: (s: LogStep, i: number) => T): T[];
  stepAt(i: number): number;
}

/**
 * Rows a block holds. 2048 rows are 66 KiB, near malloc's threshold for mapping fresh pages (which
 * it raises once such a block is freed): the blocks of tables that were collected are reused, so a
 * read that hands on a table per poll does not pay a page fault per 4 KiB written. Blocks also
 * grow a table without copying it.
 */
const BLOCK_ROWS = 2048;
const BLOCK_SHIFT = 11;
const COLUMNS = 4;

export class StepTable implements StepRows {
  /** Per block: step, epoch, loss, gradient norm of each row, one after the other. */
  private readonly blocks: Float64Array[] = [];
  /** Per block: 1 where the log recorded no gradient norm (a logged NaN is a blow-up, a missing one is not). */
  private readonly unknown: Uint8Array[] = [];
  private values: Float64Array = new Float64Array(0);
  private flags: Uint8Array = new Uint8Array(0);
  length = 0;

  /** A step; a gradient norm of undefined is one the log did not record (LogStep.gradNormUnknown). */
  add(step: number, epoch: number, loss: number, gradNorm: number | undefined): void {
    const row = this.length & (BLOCK_ROWS - 1);
    if (row === 0) {
      // One allocation a block: the values, then the flags.
      const block = new ArrayBuffer(BLOCK_ROWS * (COLUMNS * 8 + 1));
      this.blocks.push((this.values = new Float64Array(block, 0, BLOCK_ROWS * COLUMNS)));
      this.unknown.push((this.flags = new Uint8Array(block, BLOCK_ROWS * COLUMNS * 8, BLOCK_ROWS)));
    }
    const o = row * COLUMNS;
    const v = this.values;
    v[o] = step;
    v[o + 1] = epoch;
    v[o + 2] = loss;
    if (gradNorm === undefined) {
      v[o + 3] = NaN;
      this.flags[row] = 1;
    } else v[o + 3] = gradNorm;
    this.length++;
  }

  push(s: LogStep): void {
    this.add(s.step, s.epoch, s.loss, s.gradNormUnknown ? undefined : s.gradNorm);
  }

  append(rows: StepRows | Iterable<LogStep>): void {
    if (!(rows instanceof StepTable)) {
      for (const s of rows) this.push(s);
      return;
    }
    for (let i = 0; i < rows.length; i++) {
      const v = rows.blocks[i >>> BLOCK_SHIFT]!;
      const o = (i & (BLOCK_ROWS - 1)) * COLUMNS;
      this.add(v[o]!, v[o + 1]!, v[o + 2]!, rows.unknown[i >>> BLOCK_SHIFT]![i & (BLOCK_ROWS - 1)] ? undefined : v[o + 3]!);
    }
  }

  stepAt(i: number): number {
    return this.blocks[i >>> BLOCK_SHIFT]![(i & (BLOCK_ROWS - 1)) * COLUMNS]!;
  }

  at(i: number): LogStep {
    const v = this.blocks[i >>> BLOCK_SHIFT]!;
    const o = (i & (BLOCK_ROWS - 1)) * COLUMNS;
    return this.unknown[i >>> BLOCK_SHIFT]![i & (BLOCK_ROWS - 1)] ? { step: v[o]!, epoch: v[o + 1]!, loss: v[o + 2]!, gradNorm: NaN, gradNormUnknown: true } : { step: v[o]!, epoch: v[o + 1]!, loss: v[o + 2]!, gradNorm: v[o + 3]! };
  }

  map<T>(fn: (s: LogStep, i: number) => T): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = fn(this.at(i), i);
    return out;
  }

  *[Symbol.iterator](): Iterator<LogStep> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}
