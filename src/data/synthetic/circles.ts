import { allocatePoints, classSizes, uniform, type SyntheticGenerator } from './points';

const RADIUS = 5;

/**
 * A disc inside a ring, as TF Playground's classifyCircleData: half the points at radius
 * uniform(0, 0.5 R), half at uniform(0.7 R, R), R = 5. As there, the label is that of the point
 * moved by uniform(-R, R) * noise per coordinate (inside 0.5 R: class 1, else 0) while the point
 * itself stays put, so noise shows up as labels crossing the gap.
 */
export const circles: SyntheticGenerator = (samples, noise, rng) => {
  const points = allocatePoints(samples);
  let p = 0;
  classSizes(samples, 2).forEach((n, half) => {
    for (let i = 0; i < n; i++, p++) {
      const r = half === 0 ? uniform(rng, 0, RADIUS * 0.5) : uniform(rng, RADIUS * 0.7, RADIUS);
      const angle = uniform(rng, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const nx = x + uniform(rng, -RADIUS, RADIUS) * noise;
      const ny = y + uniform(rng, -RADIUS, RADIUS) * noise;
      points.x1[p] = x;
      points.x2[p] = y;
      points.labels[p] = Math.hypot(nx, ny) < RADIUS * 0.5 ? 1 : 0;
    }
  });
  return points;
};
