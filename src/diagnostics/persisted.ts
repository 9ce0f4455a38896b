/**
 * A diagnostics report read back from disk (a run folder's diagnostics.json), checked before anything
 * shows or applies it: flags keep the documented shape, messages are bounded, and fixes survive only
 * when they edit the keys detectors edit (fixes.ts FIXABLE_KEYS). Anything else is dropped.
 */
import { SEVERITIES_MILDEST_FIRST, type Calibration, type DiagnosticsReport, type Flag, type FlagKind, type Severity, type SuspectedMislabeled } from '../model';
import { checkedFix } from './fixes';

/** A message from a file is shown, never a whole file: longer ones are cut with a mark. */
const MAX_MESSAGE_CHARS = 4000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Throws (with the file named) when `raw` is not a diagnostics report at all; drops what does not check. */
export function checkedDiagnostics(raw: Record<string, unknown>, file: string): DiagnosticsReport {
  if (!Array.isArray(raw['flags'])) throw new TypeError(`${file}: expected "flags" to be a list`);
  const flags = (raw['flags'] as unknown[]).flatMap((f) => {
    const flag = checkedFlag(f);
    return flag ? [flag] : [];
  });
  const suspected = Array.isArray(raw['suspectedMislabeled']) ? (raw['suspectedMislabeled'] as unknown[]).filter(isSuspect) : [];
  return { flags, calibration: checkedCalibration(raw['calibration']), suspectedMislabeled: suspected };
}

function checkedFlag(raw: unknown): Flag | undefined {
  if (!isObject(raw) || typeof raw['kind'] !== 'string' || !SEVERITIES_MILDEST_FIRST.includes(raw['severity'] as Severity) || !isNumber(raw['epoch']) || typeof raw['message'] !== 'string') return undefined;
  const message = raw['message'].length > MAX_MESSAGE_CHARS ? `${raw['message'].slice(0, MAX_MESSAGE_CHARS)}…` : raw['message'];
  const fixes = Array.isArray(raw['fix']) ? (raw['fix'] as unknown[]).flatMap((f) => checkedFix(f) ?? []) : [];
  return {
    kind: raw['kind'].slice(0, 64) as FlagKind,
    severity: raw['severity'] as Severity,
    epoch: raw['epoch'],
    ...(isNumber(raw['step']) ? { step: raw['step'] } : {}),
    message,
    evidence: isObject(raw['evidence']) ? raw['evidence'] : {},
    ...(fixes.length ? { fix: fixes } : {}),
  };
}

function checkedCalibration(raw: unknown): Calibration | null {
  if (!isObject(raw) || !Array.isArray(raw['bins'])) return null;
  for (const key of ['ece', 'mce', 'brier', 'temperature', 'eceAfterTemperature']) if (typeof raw[key] !== 'number' && raw[key] !== null) return null;
  return raw as unknown as Calibration;
}

function isSuspect(raw: unknown): raw is SuspectedMislabeled {
  return isObject(raw) && Number.isInteger(raw['row']) && typeof raw['label'] === 'string' && typeof raw['suggested'] === 'string' && typeof raw['score'] === 'number';
}
