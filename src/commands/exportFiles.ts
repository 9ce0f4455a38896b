/**
 * What `lossLens.exportRun` writes, as pure functions: the epoch metrics as CSV (one row per
 * epoch, metrics.jsonl's names as columns) and the run as one JSON document.
 */
import { EPOCH_RECORD_KEYS, type EpochMetrics } from '../model';
import type { RunRecord } from '../store/runStore';

export const METRIC_COLUMNS = EPOCH_RECORD_KEYS;

/** A number as pandas/R/spreadsheets read it back: full precision, NaN/inf spelled out. */
export function csvNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

export function metricsCsv(epochs: readonly EpochMetrics[]): string {
  const lines = [METRIC_COLUMNS.join(',')];
  for (const e of epochs) lines.push(METRIC_COLUMNS.map((c) => csvNumber(e[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** JSON has no NaN/Infinity: written as null, as metrics.jsonl does (docs/run-folder.md). */
const finiteOrNull = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

/** The run as one JSON document: identity, state, metrics, flags, calibration, diagnostics. */
export function runJson(run: RunRecord): string {
  return `${JSON.stringify(
    {
      name: run.name,
      state: run.state,
      reason: run.reason ?? null,
      startedAt: new Date(run.startedAt).toISOString(),
      classes: run.classes,
      epochsPlanned: run.epochsPlanned,
      epochs: run.epochs,
      flags: run.flags,
      calibration: run.calibration,
      suspectedMislabeled: run.diagnostics?.suspectedMislabeled ?? [],
      error: run.error ?? null,
    },
    finiteOrNull,
    2,
  )}\n`;
}

/** `digits-baseline` -> a file-name stem safe everywhere. */
export const fileStem = (name: string): string => name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
