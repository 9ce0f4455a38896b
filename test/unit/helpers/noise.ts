/**
 * A small deterministic PRNG (mulberry32) for noise in constructed test streams, so every run of
 * the tests sees the same curves. Tests of the product's own randomness use src/rng.ts.
 */
export function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
