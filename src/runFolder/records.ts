/**
 * The lines of metrics.jsonl (docs/run-folder.md). Epoch records carry exactly the documented keys
 * in their order; step records are {step, epoch, loss, gradNorm}. JSON has no NaN or Infinity, so a
 * non-finite value is written as null (and read back as NaN, so detectors still see it as non-finite).
 */
import { EPOCH_RECORD_KEYS, STEP_RECORD_KEYS, type EpochMetrics, type StepRecord } from '../model';

/** The epoch record's wall-clock time since the run started (docs/run-folder.md), after the documented metrics. */
const WALL_KEY = 'wallMs';

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function epochLine(m: EpochMetrics): string {
  const record: Record<string, number | null> = {};
  for (const key of EPOCH_RECORD_KEYS) record[key] = finiteOrNull(m[key]);
  // Last, and only when measured: older readers and other tools see the documented keys first.
  if (m.wallMs !== undefined && Number.isFinite(m.wallMs)) record[WALL_KEY] = Math.round(m.wallMs * 1000) / 1000;
  return JSON.stringify(record);
}


export function stepLine(s: StepRecord): string {
  const record: Record<string, number | null> = {};
  for (const key of STEP_RECORD_KEYS) record[key] = finiteOrNull(s[key]);
  return JSON.stringify(record);
}

/** A parsed metrics.jsonl line: an epoch record, a step record, or neither (ignored). */
export type MetricsRecord = { readonly kind: 'epoch'; readonly metrics: EpochMetrics } | { readonly kind: 'step'; readonly step: StepRecord } | { readonly kind: 'other' };

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/** Classifies one parsed line: a step record has `step`; an epoch record has `epoch` and a loss. */
export function toRecord(value: unknown): MetricsRecord {
  if (typeof value !== 'object' || value === null) return { kind: 'other' };
  const o = value as Record<string, unknown>;
  if (typeof o.step === 'number') {
    return { kind: 'step', step: { step: o.step, epoch: num(o.epoch), loss: num(o.loss), gradNorm: num(o.gradNorm) } };
  }
  if (typeof o.epoch === 'number' && ('trainLoss' in o || 'valLoss' in o)) {
    const metrics = Object.fromEntries(EPOCH_RECORD_KEYS.map((k) => [k, num(o[k])])) as Record<string, number>;
    if (typeof o[WALL_KEY] === 'number') metrics[WALL_KEY] = o[WALL_KEY];
    return { kind: 'epoch', metrics: metrics as unknown as EpochMetrics };
  }
  return { kind: 'other' };
}
