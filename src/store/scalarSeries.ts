/**
 * A run's other logged scalars (a TensorBoard tag, a CSV column the run model has no slot for), kept
 * by the store so a dashboard opened later, or restored after a reload, can chart them. Each series
 * is bounded: past MAX_SCALAR_POINTS it is thinned in place to about half, each group of four
 * neighbouring points keeping its lowest and its highest value (and its first non-finite one), so
 * spikes, dips and NaN survive and the curve's envelope is the logged one. Free of `vscode`.
 */
import type { ScalarSeries } from '../model';

/** Points kept per series: a chart needs no more (it downsamples to its pixels), and 10k pairs are 160 kB. */
export const MAX_SCALAR_POINTS = 10_000;

/** A series as the store keeps it: the model's shape, growable. */
export interface KeptScalarSeries extends ScalarSeries {
  readonly x: number[];
  readonly y: number[];
}

/** Appends new points of each series (a series is its name and its axis); thins any that outgrow `cap`. */
export function appendScalars(kept: KeptScalarSeries[], incoming: readonly ScalarSeries[], cap = MAX_SCALAR_POINTS): void {
  for (const s of incoming) {
    let into = kept.find((k) => k.name === s.name && k.axis === s.axis);
    if (!into) kept.push((into = { name: s.name, axis: s.axis, x: [], y: [] }));
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      into.x.push(s.x[i]!);
      into.y.push(s.y[i]!);
    }
    while (into.x.length > cap) thinByFours(into);
  }
}

/** Groups of four points: the lowest and highest finite value in their order, and the first non-finite one. */
function thinByFours(s: KeptScalarSeries): void {
  const { x, y } = s;
  let out = 0;
  const keep = (i: number): void => {
    x[out] = x[i]!;
    y[out] = y[i]!;
    out++;
  };
  for (let start = 0; start < x.length; start += 4) {
    const end = Math.min(start + 4, x.length);
    let lo = -1;
    let hi = -1;
    let odd = -1;
    for (let i = start; i < end; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) {
        if (odd < 0) odd = i;
      } else {
        if (lo < 0 || v < y[lo]!) lo = i;
        if (hi < 0 || v > y[hi]!) hi = i;
      }
    }
    for (const i of [lo, hi, odd].filter((j, k, all) => j >= 0 && all.indexOf(j) === k).sort((a, b) => a - b)) keep(i);
  }
  x.length = out;
  y.length = out;
}
