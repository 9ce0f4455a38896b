/**
 * The keys in which runs' configs differ, as dotted paths ("training.earlyStopping"), W&B-style: a
 * comparison of two runs of one config shows the one key that changed, not the whole file. Objects
 * are compared key by key; arrays and scalars as whole values. Pure.
 */

export interface DiffRow {
  readonly path: string;
  /** Per run, the value as compact JSON, or undefined when the run's config lacks the key. */
  readonly values: readonly (string | undefined)[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Descends while every run has an object here; otherwise compares the whole values (so `false` vs `{patience: 5}` is one row). */
function diffAt(values: readonly unknown[], path: string, rows: { path: string; values: (string | undefined)[] }[]): void {
  if (values.every(isObject)) {
    const keys: string[] = [];
    for (const v of values) for (const k of Object.keys(v)) if (!keys.includes(k)) keys.push(k);
    for (const k of keys) diffAt(values.map((v) => (v as Record<string, unknown>)[k]), path ? `${path}.${k}` : k, rows);
    return;
  }
  const json = values.map((v) => (v === undefined ? undefined : JSON.stringify(v)));
  if (new Set(json).size > 1) rows.push({ path, values: json });
}

/**
 * The rows where the configs differ, in the first config's key order then keys only later runs
 * have. A run without a config (undefined) takes no part (its values are undefined): the caller
 * says which runs lack one.
 */
export function configDiff(configs: readonly unknown[]): DiffRow[] {
  const known = configs.map((c, i) => [c, i] as const).filter(([c]) => c !== undefined);
  if (known.length < 2) return [];
  const rows: { path: string; values: (string | undefined)[] }[] = [];
  diffAt(known.map(([c]) => c), '', rows);
  return rows.map((r) => {
    const values: (string | undefined)[] = configs.map(() => undefined);
    known.forEach(([, at], k) => (values[at] = r.values[k]));
    return { path: r.path || '(config)', values };
  });
}
