/**
 * Fills every default of docs/config.md into a schema-valid config value. The defaults live in the
 * schema (`default`), so the editor's hover shows the same values the CLI uses; the two that depend
 * on other keys are filled here: `name` (the file name without .losslens.json) and
 * `optimizer.weightDecay` (PyTorch's AdamW default 0.01 for adamw, else 0).
 */
import type { LossLensConfig } from './types';
import { CONFIG_SCHEMA, type SchemaNode } from './schema';

/** torch.optim.AdamW's default weight_decay. */
export const ADAMW_DEFAULT_WEIGHT_DECAY = 0.01;

/** A training config is a `*.losslens.json` file (the editor also reads `*.losslens.jsonc`). */
export const CONFIG_FILE_SUFFIX = '.losslens.json';
const CONFIG_SUFFIX = /\.losslens\.jsonc?$/i;

/** "configs/digits-baseline.losslens.json" -> "digits-baseline". */
export function defaultRunName(filePath: string): string {
  const base = filePath.split(/[\\/]/).pop() ?? filePath;
  const name = base.replace(CONFIG_SUFFIX, '').replace(/\.jsonc?$/i, '');
  return name || 'run';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Schema-driven: keys in schema order, missing keys from `default`, nested objects filled too. */
function fill(value: unknown, schema: SchemaNode): unknown {
  if (!isPlainObject(value)) return value;
  const objectSchema = schema.properties ? schema : schema.anyOf?.find((b) => b.properties);
  if (!objectSchema?.properties) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(objectSchema.properties)) {
    if (key === '$schema') continue;
    if (key in value) out[key] = fill(value[key], child);
    else if (child.default !== undefined) out[key] = fill(structuredClone(child.default), child);
  }
  return out;
}

/** The resolved config of a schema-valid value (validation must have passed). */
export function fillDefaults(value: Readonly<Record<string, unknown>>, filePath: string): LossLensConfig {
  const filled = fill(value, CONFIG_SCHEMA) as Record<string, Record<string, unknown>> & { name?: string };
  const optimizer = filled.optimizer!;
  if (optimizer.weightDecay === undefined) optimizer.weightDecay = optimizer.type === 'adamw' ? ADAMW_DEFAULT_WEIGHT_DECAY : 0;
  const name = filled.name ?? defaultRunName(filePath);
  return { name, ...filled } as unknown as LossLensConfig;
}
