/** Number formatting for labels, tables and tooltips (numbers themselves: the run model's, shared with the host). */

import { formatNumber } from '../../src/protocol/webview';

export { formatNumber, formatPercent } from '../../src/protocol/webview';

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
