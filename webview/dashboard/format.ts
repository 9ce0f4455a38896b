/** Number formatting for labels, tables and tooltips. Non-finite values are spelled out, never hidden. */

export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return 'NaN';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(Math.max(digits - 2, 1));
  return Number(value.toPrecision(digits)).toString();
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value);
  return `${(value * 100).toFixed(1)}%`;
}

/**
 * JSON's `null` in metrics stands for a non-finite value (docs/run-folder.md); readings may carry either.
 * (A missing field is `undefined`: callers that must tell "not recorded" from "NaN" check first.)
 */
export function toNumber(value: number | null | undefined): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/** Evidence values: numbers formatted, arrays shortened, objects as compact JSON. */
export function formatEvidence(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (value === null) return 'NaN';
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((v) => formatEvidence(v));
    return `[${shown.join(', ')}${value.length > 8 ? `, … (${value.length} in all)` : ''}]`;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** "valLossMinimum" -> "val loss minimum". */
export function humanizeKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
}
