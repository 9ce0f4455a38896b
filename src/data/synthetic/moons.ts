import { allocatePoints, classSizes, type SyntheticGenerator } from './points';

/**
 * Two interleaving half circles, as sklearn's make_moons: class 0 at (cos t, sin t), class 1 at
 * (1 - cos t, 0.5 - sin t), t evenly spaced over [0, π], plus Gaussian noise of std `noise`.
 */
export const moons: SyntheticGenerator = (samples, noise, rng) => {
  const points = allocatePoints(samples);
  let p = 0;
  classSizes(samples, 2).forEach((n, label) => {
    for (let i = 0; i < n; i++, p++) {
      const t = n > 1 ? (Math.PI * i) / (n - 1) : 0;
      const x = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
      const y = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      points.x1[p] = x + noise * rng.normal();
      points.x2[p] = y + noise * rng.normal();
      points.labels[p] = label;
    }
  });
  return points;
};
