/**
 * The synthetic datasets by name. Each becomes a table with columns x1, x2 and label, its rows
 * shuffled once (as sklearn's generators do by default) so the "file order" is not class by class;
 * then it takes the same split and standardization path as a CSV.
 */
import type { SyntheticDatasetName } from '../../config/datasets';
import type { Rng } from '../../rng';
import type { ColumnTable } from '../columns';
import { DataError } from '../dataset';
import { blobs } from './blobs';
import { circles } from './circles';
import { moons } from './moons';
import type { SyntheticGenerator } from './points';
import { spiral } from './spiral';
import { xor } from './xor';

/** One generator per name of config/datasets.ts (the type checks that none is missing). */
export const SYNTHETIC_GENERATORS: Readonly<Record<SyntheticDatasetName, SyntheticGenerator>> = Object.freeze({ spiral, moons, circles, xor, blobs });

/** The schema's minimum for data.synthetic.samples: two points per class of a two-class set. */
export const MIN_SYNTHETIC_SAMPLES = 4;

export function syntheticTable(name: string, samples: number, noise: number, rng: Rng): ColumnTable {
  const file = `${name} (synthetic)`;
  if (!Number.isInteger(samples) || samples < MIN_SYNTHETIC_SAMPLES) {
    throw new DataError(`data.synthetic.samples must be an integer of at least ${MIN_SYNTHETIC_SAMPLES}, got ${samples}`, file);
  }
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new DataError(`data.synthetic.noise must be a number >= 0, got ${noise}`, file);
  const points = SYNTHETIC_GENERATORS[name as SyntheticDatasetName](samples, noise, rng);
  const order = rng.shuffle(Int32Array.from({ length: samples }, (_, i) => i));
  const x1 = new Float64Array(samples);
  const x2 = new Float64Array(samples);
  const labels = new Int32Array(samples);
  const dictionary: string[] = [];
  order.forEach((from, to) => {
    x1[to] = points.x1[from]!;
    x2[to] = points.x2[from]!;
    labels[to] = points.labels[from]!;
  });
  const classes = labels.reduce((max, label) => Math.max(max, label), 0) + 1;
  for (let c = 0; c < classes; c++) dictionary.push(String(c));
  return {
    file,
    rows: samples,
    columns: [
      { name: 'x1', kind: 'numeric', values: x1 },
      { name: 'x2', kind: 'numeric', values: x2 },
      { name: 'label', kind: 'text', codes: labels, dictionary },
    ],
  };
}
