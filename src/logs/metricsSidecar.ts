/**
 * losslens.metrics.json: names the metrics of a log that the built-in mapping (metricNames.ts) does
 * not know, placed next to the log (or in the run's folder, or the folder followed). Example:
 *   {
 *     "metrics": {
 *       "objective/val": "valLoss",
 *       "ce": { "metric": "trainLoss", "per": "step" },
 *       "loss_scale": null
 *     },
 *     "step": "iteration", "epoch": "ep", "epochBase": 0
 *   }
 * `metrics` maps a series name (a TensorBoard tag, prefixed by its sub-folder; a CSV column; a JSON
 * key) to one of trainLoss, valLoss, trainAccuracy, valAccuracy, learningRate, gradNorm, or to
 * null to keep it as a plain scalar; `per` says whether it is logged per "step" or per "epoch".
 * `step`, `epoch` and `epochBase` name the step and epoch columns of a generic CSV or JSONL log.
 * The same mapping can be given on the command line as NAME=METRIC[:step|:epoch] (parseMetricArgs).
 */
import { LogError } from './errors';
import { LOG_METRICS, type Granularity, type LogMetric, type MetricOverride } from './metricNames';
import type { CsvColumns } from './csvLogParser';

export const SIDECAR_NAME = 'losslens.metrics.json';

export interface MetricsMapping extends CsvColumns {
  readonly overrides: ReadonlyMap<string, MetricOverride>;
}

export const NO_MAPPING: MetricsMapping = { overrides: new Map() };

const isMetric = (v: unknown): v is LogMetric => typeof v === 'string' && (LOG_METRICS as readonly string[]).includes(v);
const isPer = (v: unknown): v is Granularity => v === 'step' || v === 'epoch';
const expected = `one of ${LOG_METRICS.join(', ')}, or null`;

export function parseMetricsSidecar(text: string, file: string): MetricsMapping {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new LogError(`not valid JSON (${(e as Error).message})`, file);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new LogError('expected an object with "metrics"', file);
  const root = o as Record<string, unknown>;
  for (const key of Object.keys(root)) if (!['metrics', 'step', 'epoch', 'epochBase'].includes(key)) throw new LogError(`unknown key "${key.slice(0, 60)}" (expected metrics, step, epoch, epochBase)`, file);
  const overrides = new Map<string, MetricOverride>();
  const metrics = root['metrics'] ?? {};
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) throw new LogError('"metrics" must be an object of series name -> metric', file);
  for (const [name, v] of Object.entries(metrics)) {
    const where = `metrics["${name.slice(0, 60)}"]`;
    if (v === null) overrides.set(name, null);
    else if (isMetric(v)) overrides.set(name, { metric: v });
    else if (typeof v === 'object' && !Array.isArray(v) && isMetric((v as Record<string, unknown>)['metric'])) {
      const per = (v as Record<string, unknown>)['per'];
      if (per !== undefined && !isPer(per)) throw new LogError(`${where}.per must be "step" or "epoch"`, file);
      overrides.set(name, { metric: (v as { metric: LogMetric }).metric, ...(per ? { per } : {}) });
    } else throw new LogError(`${where} must be ${expected} (or {"metric": ..., "per": "step"|"epoch"})`, file);
  }
  const str = (key: string): string | undefined => {
    const v = root[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !v) throw new LogError(`"${key}" must be a column or key name`, file);
    return v;
  };
  const base = root['epochBase'];
  if (base !== undefined && base !== 0 && base !== 1) throw new LogError('"epochBase" must be 0 or 1', file);
  const step = str('step');
  const epoch = str('epoch');
  return { overrides, ...(step ? { step } : {}), ...(epoch ? { epoch } : {}), ...(base !== undefined ? { epochBase: base } : {}) };
}

/** NAME=METRIC[:step|:epoch] pairs (NAME=none keeps NAME a plain scalar), as a command line gives them. */
export function parseMetricArgs(pairs: readonly string[], base: MetricsMapping = NO_MAPPING): MetricsMapping {
  const overrides = new Map(base.overrides);
  for (const pair of pairs) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw new LogError(`expected NAME=METRIC (METRIC ${expected.replace('null', 'none')}), got "${pair.slice(0, 80)}"`, '--metric');
    const name = pair.slice(0, eq);
    const [metric, per] = pair.slice(eq + 1).split(':');
    if (metric === 'none' || metric === 'null') overrides.set(name, null);
    else if (isMetric(metric) && (per === undefined || isPer(per))) overrides.set(name, { metric, ...(per ? { per } : {}) });
    else throw new LogError(`"${pair.slice(0, 80)}": the metric must be ${expected.replace('null', 'none')}, optionally :step or :epoch`, '--metric');
  }
  return { ...base, overrides };
}
