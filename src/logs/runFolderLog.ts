/** Reads a Loss Lens run folder or a bare metrics.jsonl as a TrainingLog. */
import { readFileSync } from 'node:fs';
import type { LossLensConfig } from '../config/types';
import type { SplitOutputs } from '../model';
import { parseMetricsJsonl } from '../run/metricsJsonl';
import { readRunFolder, type PredictionsTable } from '../run/readRunFolder';
import type { TrainingLog } from './trainingLog';

const PARTIAL_NOTE = 'the last line of metrics.jsonl was incomplete (the run may still be going) and was skipped';

/**
 * predictions.csv as validation outputs: probabilities as written; logits are log-probabilities,
 * which softmax maps back to the same probabilities (the temperature fit only needs that).
 */
export function predictionsToOutputs(table: PredictionsTable): SplitOutputs | undefined {
  const c = table.classes.length;
  const rows = table.labels.length;
  if (!rows || c < 2) return undefined;
  const probabilities = new Float32Array(rows * c);
  const logits = new Float32Array(rows * c);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const label = table.classes.indexOf(table.labels[r]!);
    if (label < 0) return undefined;
    labels[r] = label;
    for (let k = 0; k < c; k++) {
      const p = table.probabilities[r]![k]!;
      probabilities[r * c + k] = p;
      logits[r * c + k] = Math.log(Math.max(p, Number.MIN_VALUE));
    }
  }
  return { output: 'softmax', classes: c, rows, logits, probabilities, labels };
}

export function readRunFolderLog(dir: string): TrainingLog {
  const run = readRunFolder(dir);
  const finalValidation = run.predictions ? predictionsToOutputs(run.predictions) : undefined;
  const classes = run.predictions?.classes ?? run.model?.classes;
  return {
    format: 'loss-lens run folder',
    file: dir,
    epochs: run.epochs,
    steps: run.steps,
    ...(classes ? { classes } : {}),
    ...(run.config ? { config: run.config as unknown as LossLensConfig } : {}),
    ...(finalValidation ? { finalValidation } : {}),
    notes: run.partialLastLine ? [PARTIAL_NOTE] : [],
  };
}

export function readMetricsJsonlLog(file: string): TrainingLog {
  const metrics = parseMetricsJsonl(readFileSync(file, 'utf8'), file);
  return { format: 'loss-lens metrics.jsonl', file, epochs: metrics.epochs, steps: metrics.steps, notes: metrics.partialLastLine ? [PARTIAL_NOTE] : [] };
}
