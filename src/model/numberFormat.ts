/**
 * Numbers as people read them in labels, tables, tooltips and flag headlines: four significant
 * digits, exponents outside [1e-3, 1e5), and non-finite values spelled out, never hidden. One
 * definition for the dashboard (through src/protocol) and the editor's views.
 */

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
