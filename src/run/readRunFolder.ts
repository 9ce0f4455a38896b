/**
 * Reads a run folder back (contract §3): what the dashboard, `loss-lens diagnose` and run comparison
 * show. Only metrics.jsonl is required; the other files are absent while a run is going.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DiagnosticsReport } from '../model';
import { parseModelJson, type ModelJson } from '../engine/modelJson';
import { LogError } from '../logs/errors';
import { parseMetricsJsonl, type MetricsLog } from './metricsJsonl';
import { RUN_FILES } from './runFolderWriter';

export interface PredictionsTable {
  readonly classes: string[];
  readonly labels: string[];
  /** [rows][classes]. */
  readonly probabilities: number[][];
}

export interface RunFolder extends MetricsLog {
  readonly dir: string;
  /** config.json as written (every default filled in), if present. */
  readonly config?: Record<string, unknown>;
  readonly diagnostics?: DiagnosticsReport;
  readonly predictions?: PredictionsTable;
  readonly model?: ModelJson;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LogError(`not valid JSON (${(e as Error).message})`, file);
  }
}

/** RFC 4180 fields of one line (predictions.csv never has newlines inside fields). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

export function parsePredictionsCsv(text: string, file: string): PredictionsTable {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0] ?? '');
  if (header[0] !== 'label' || header.slice(1).some((h) => !h.startsWith('p:'))) throw new LogError('expected a header "label,p:<class>,..."', file, 1);
  const classes = header.slice(1).map((h) => h.slice(2));
  const labels: string[] = [];
  const probabilities: number[][] = [];
  lines.slice(1).forEach((line, i) => {
    const fields = splitCsvLine(line);
    if (fields.length !== header.length) throw new LogError(`expected ${header.length} fields, found ${fields.length}`, file, i + 2);
    labels.push(fields[0]!);
    probabilities.push(fields.slice(1).map((f) => (f === '' ? NaN : Number(f))));
  });
  return { classes, labels, probabilities };
}

export function readRunFolder(dir: string): RunFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LogError('not a run folder (no such folder)', dir);
  const file = (name: string): string => path.join(dir, name);
  const metricsPath = file(RUN_FILES.metrics);
  if (!existsSync(metricsPath)) throw new LogError(`not a run folder (no ${RUN_FILES.metrics})`, dir);
  const metrics = parseMetricsJsonl(readFileSync(metricsPath, 'utf8'), metricsPath);
  const present = (name: string): boolean => existsSync(file(name));
  return {
    dir,
    ...metrics,
    ...(present(RUN_FILES.config) ? { config: readJson(file(RUN_FILES.config)) as Record<string, unknown> } : {}),
    ...(present(RUN_FILES.diagnostics) ? { diagnostics: readJson(file(RUN_FILES.diagnostics)) as DiagnosticsReport } : {}),
    ...(present(RUN_FILES.predictions) ? { predictions: parsePredictionsCsv(readFileSync(file(RUN_FILES.predictions), 'utf8'), file(RUN_FILES.predictions)) } : {}),
    ...(present(RUN_FILES.model) ? { model: parseModelJson(readFileSync(file(RUN_FILES.model), 'utf8'), file(RUN_FILES.model)) } : {}),
  };
}
