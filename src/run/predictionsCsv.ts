/**
 * predictions.csv (contract §3): the validation rows in order, column `label` (class name) then one
 * `p:<class>` column per class. Probabilities use 9 significant digits — enough to round-trip a
 * float32 exactly (FLT_DECIMAL_DIG = 9), above the contract's minimum of 7.
 */
import type { SplitOutputs } from '../model';

export const PROBABILITY_DIGITS = 9;

/** RFC 4180: quote a field holding a comma, a quote, CR or LF (or leading/trailing space); double inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '';
  return p === 0 ? '0' : p.toPrecision(PROBABILITY_DIGITS);
}

export function predictionsCsv(classes: readonly string[], outputs: SplitOutputs): string {
  const c = classes.length;
  const lines = [['label', ...classes.map((name) => `p:${name}`)].map(csvField).join(',')];
  for (let r = 0; r < outputs.rows; r++) {
    const fields = [csvField(classes[outputs.labels[r]!] ?? String(outputs.labels[r]))];
    for (let k = 0; k < c; k++) fields.push(formatProbability(outputs.probabilities[r * c + k]!));
    lines.push(fields.join(','));
  }
  return lines.join('\n') + '\n';
}
