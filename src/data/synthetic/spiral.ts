import { allocatePoints, classSizes, uniform, type SyntheticGenerator } from './points';

/**
 * Two interleaved spirals, as TF Playground's classifySpiralData: point i of n has radius
 * r = 5 i / n and angle t = 1.75 * 2π i / n (+ π for class 1), and each coordinate gets
 * uniform(-1, 1) * noise.
 */
export const spiral: SyntheticGenerator = (samples, noise, rng) => {
  const points = allocatePoints(samples);
  let p = 0;
  classSizes(samples, 2).forEach((n, label) => {
    const deltaT = label * Math.PI;
    for (let i = 0; i < n; i++, p++) {
      const r = (i / n) * 5;
      const t = ((1.75 * i) / n) * 2 * Math.PI + deltaT;
      points.x1[p] = r * Math.sin(t) + uniform(rng, -1, 1) * noise;
      points.x2[p] = r * Math.cos(t) + uniform(rng, -1, 1) * noise;
      points.labels[p] = label;
    }
  });
  return points;
};
