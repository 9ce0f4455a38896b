/**
 * Which optimizer keys each `optimizer.type` takes, as PyTorch's optimizers do: one table for the
 * rule between keys (semantics.ts), the "did you mean" suggestions (validate.ts) and the editor's
 * completion (editorSchema.ts), so none of them offers a key the chosen optimizer rejects.
 */
import type { OptimizerType } from './types';

/** The default `optimizer.type` (the schema's `default`; a unit test keeps them equal). */
export const DEFAULT_OPTIMIZER_TYPE: OptimizerType = 'adam';

/** Keys every optimizer takes. */
export const COMMON_OPTIMIZER_KEYS = ['type', 'learningRate'] as const;

/** The keys of one optimizer type only, beyond the common ones: torch.optim.SGD, Adam and AdamW's arguments. */
export const OPTIMIZER_KEYS: Readonly<Record<OptimizerType, readonly string[]>> = {
  sgd: ['momentum'],
  adam: ['beta1', 'beta2', 'epsilon'],
  adamw: ['beta1', 'beta2', 'epsilon', 'weightDecay'],
};

/** Every key of some optimizer type but not of all. */
export const TYPE_SPECIFIC_OPTIMIZER_KEYS: readonly string[] = [...new Set(Object.values(OPTIMIZER_KEYS).flat())];

/** The types that take this key (every type for a common key). */
export function optimizerTypesTaking(key: string): OptimizerType[] {
  const types = Object.keys(OPTIMIZER_KEYS) as OptimizerType[];
  return (COMMON_OPTIMIZER_KEYS as readonly string[]).includes(key) ? types : types.filter((t) => OPTIMIZER_KEYS[t].includes(key));
}

/** The keys an optimizer of this type takes. */
export function optimizerKeysOf(type: OptimizerType): string[] {
  return [...COMMON_OPTIMIZER_KEYS, ...OPTIMIZER_KEYS[type]];
}

/** An `optimizer.type` value as written (a string naming a type), or the default when absent or not a type. */
export function optimizerTypeOf(raw: unknown): OptimizerType {
  return typeof raw === 'string' && raw in OPTIMIZER_KEYS ? (raw as OptimizerType) : DEFAULT_OPTIMIZER_TYPE;
}
