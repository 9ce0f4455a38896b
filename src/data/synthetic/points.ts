import type { Rng } from '../../rng';

/** Two-feature points with a class index each: what every synthetic generator returns. */
export interface SyntheticPoints {
  readonly x1: Float64Array;
  readonly x2: Float64Array;
  readonly labels: Int32Array;
}

/** samples, noise, generator: the TF Playground signature (its noise slider / 100 is our `noise`). */
export type SyntheticGenerator = (samples: number, noise: number, rng: Rng) => SyntheticPoints;

export function uniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng.next();
}

/** Splits `samples` over `classes` as evenly as possible (the first classes take the remainder). */
export function classSizes(samples: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => Math.floor(samples / classes) + (c < samples % classes ? 1 : 0));
}

export function allocatePoints(samples: number): { x1: Float64Array; x2: Float64Array; labels: Int32Array } {
  return { x1: new Float64Array(samples), x2: new Float64Array(samples), labels: new Int32Array(samples) };
}
