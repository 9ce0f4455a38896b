import { allocatePoints, uniform, type SyntheticGenerator } from './points';

/** The gap TF Playground keeps between the quadrants. */
const PADDING = 0.3;

/**
 * Four quadrants, as TF Playground's classifyXORData: x, y uniform in (-5, 5) pushed PADDING away
 * from the axes; the label (1 when x y >= 0, else 0) is that of the point moved by
 * uniform(-5, 5) * noise per coordinate, while the point itself stays put.
 */
export const xor: SyntheticGenerator = (samples, noise, rng) => {
  const points = allocatePoints(samples);
  for (let p = 0; p < samples; p++) {
    let x = uniform(rng, -5, 5);
    x += x > 0 ? PADDING : -PADDING;
    let y = uniform(rng, -5, 5);
    y += y > 0 ? PADDING : -PADDING;
    const nx = x + uniform(rng, -5, 5) * noise;
    const ny = y + uniform(rng, -5, 5) * noise;
    points.x1[p] = x;
    points.x2[p] = y;
    points.labels[p] = nx * ny >= 0 ? 1 : 0;
  }
  return points;
};
