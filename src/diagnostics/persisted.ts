/**
 * A diagnostics report read back from disk (a run folder's diagnostics.json), checked before anything
 * shows or applies it: flags keep the documented shape, messages are bounded, and fixes survive only
 * when they edit the keys detectors edit (fixes.ts FIXABLE_KEYS). Anything else is dropped.
 */
import { SEVERITIES_MILDEST_FIRST, type Calibration, type CalibrationBin, type DiagnosticsReport, type EceReading, type Flag, type FlagKind, type Severity, type SuspectedMislabeled } from '../model';
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
  const eceByEpoch = checkedEceTrend(raw['eceByEpoch']);
  return { flags, calibration: checkedCalibration(raw['calibration']), suspectedMislabeled: suspected, ...(eceByEpoch ? { eceByEpoch } : {}) };
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

/** Epochs a trend may hold: far beyond any run's length, so a forged file cannot make the dashboard draw millions. */
const MAX_TREND_EPOCHS = 100_000;

function checkedCalibration(raw: unknown): Calibration | null {
  if (!isObject(raw) || !isBins(raw['bins'])) return null;
  for (const key of ['ece', 'mce', 'brier', 'temperature', 'eceAfterTemperature']) if (typeof raw[key] !== 'number' && raw[key] !== null) return null;
  // The figures after scaling came later (docs/run-folder.md): a file may lack them; a malformed one loses them.
  const out: Record<string, unknown> = { bins: raw['bins'] };
  for (const key of ['ece', 'mce', 'brier', 'temperature', 'eceAfterTemperature']) out[key] = raw[key];
  if (raw['temperatureAtBound'] === true) out['temperatureAtBound'] = true;
  for (const key of ['mceAfterTemperature', 'brierAfterTemperature']) if (typeof raw[key] === 'number' || raw[key] === null) out[key] = raw[key];
  if (isBins(raw['binsAfterTemperature'])) out['binsAfterTemperature'] = raw['binsAfterTemperature'];
  return out as unknown as Calibration;
}

function isBins(raw: unknown): raw is CalibrationBin[] {
  return Array.isArray(raw) && raw.length <= 1000 && raw.every((b) => isObject(b) && ['lower', 'upper', 'count', 'accuracy', 'confidence'].every((k) => isNumber(b[k])));
}

function checkedEceTrend(raw: unknown): EceReading[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_TREND_EPOCHS) return undefined;
  const out: EceReading[] = [];
  for (const r of raw as unknown[]) {
    if (!isObject(r) || !Number.isInteger(r['epoch']) || !isNumber(r['ece'])) continue;
    out.push({ epoch: r['epoch'] as number, ece: r['ece'], ...(isNumber(r['eceAfterTemperature']) ? { eceAfterTemperature: r['eceAfterTemperature'] } : {}) });
  }
  return out.length ? out : undefined;
}

function isSuspect(raw: unknown): raw is SuspectedMislabeled {
  return isObject(raw) && Number.isInteger(raw['row']) && typeof raw['label'] === 'string' && typeof raw['suggested'] === 'string' && typeof raw['score'] === 'number';
}
