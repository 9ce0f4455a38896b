/**
 * The stratified, seeded train/validation split used with `data.source` + `validationSplit`.
 */
import type { Rng } from '../rng';

export interface SplitIndices {
  /** Positions (into the labels given) of the training rows, ascending: the file's order (docs/run-folder.md). */
  readonly train: Int32Array;
  /** Positions of the validation rows, ascending: validation rows also keep the file's order. */
  readonly validation: Int32Array;
}

/**
 * How many rows of a class of `count` rows go to validation: round(fraction * count) (half up),
 * at least 1 and at most count - 1 when the class has two rows or more and fraction > 0, so every
 * class is seen in both splits when it can be. A class of one row stays in training.
 */
export function validationCount(count: number, fraction: number): number {
  if (!(fraction > 0) || count < 2) return 0;
  return Math.min(count - 1, Math.max(1, Math.round(fraction * count)));
}

/**
 * Each class (in class order) shuffles the positions of its rows with `rng` and sends the first
 * validationCount of them to validation. Same labels, fraction and rng state: same split.
 */
export function stratifiedSplit(labels: Int32Array, classCount: number, fraction: number, rng: Rng): SplitIndices {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  labels.forEach((label, position) => byClass[label]!.push(position));
  const isValidation = new Uint8Array(labels.length);
  for (const positions of byClass) {
    const shuffled = rng.shuffle(Int32Array.from(positions));
    const take = validationCount(positions.length, fraction);
    for (let i = 0; i < take; i++) isValidation[shuffled[i]!] = 1;
  }
  const validationSize = isValidation.reduce((s, v) => s + v, 0);
  const train = new Int32Array(labels.length - validationSize);
  const validation = new Int32Array(validationSize);
  let t = 0;
  let v = 0;
  for (let p = 0; p < labels.length; p++) {
    if (isValidation[p]) validation[v++] = p;
    else train[t++] = p;
  }
  return { train, validation };
}
