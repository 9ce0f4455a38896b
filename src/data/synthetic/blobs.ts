import { allocatePoints, classSizes, type SyntheticGenerator } from './points';

const CENTER_RADIUS = 3;
const CLASSES = 3;

/**
 * Three Gaussian blobs centred on a circle of radius 3 (at 90°, 210° and 330°). The spread follows
 * TF Playground's classifyTwoGaussData: std = 0.5 + 7 * noise (its scale maps noise 0..0.5 to 0.5..4).
 */
export const blobs: SyntheticGenerator = (samples, noise, rng) => {
  const points = allocatePoints(samples);
  const std = 0.5 + 7 * noise;
  let p = 0;
  classSizes(samples, CLASSES).forEach((n, label) => {
    const angle = Math.PI / 2 + (label * 2 * Math.PI) / CLASSES;
    const cx = CENTER_RADIUS * Math.cos(angle);
    const cy = CENTER_RADIUS * Math.sin(angle);
    for (let i = 0; i < n; i++, p++) {
      points.x1[p] = cx + std * rng.normal();
      points.x2[p] = cy + std * rng.normal();
      points.labels[p] = label;
    }
  });
  return points;
};
