/**
 * Colour contrast as WCAG 2.2 defines it (relative luminance of sRGB, ratio (L1 + 0.05) / (L2 + 0.05)),
 * and the small adjustments the dashboard makes so that what it draws meets the success criteria:
 * 3:1 for graphical objects such as curves and marker lines (1.4.11) and 4.5:1 for text (1.4.3).
 * Pure: the contrast test computes the ratios of the drawn colours with these same functions.
 */

/** WCAG 1.4.11: curves, marker lines, swatches. */
export const GRAPHIC_CONTRAST = 3;
/** WCAG 1.4.3: labels, tick text, marker labels. */
export const TEXT_CONTRAST = 4.5;

export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** 0..1 */
  readonly a: number;
}

/** Parses #rgb, #rgba, #rrggbb, #rrggbbaa, rgb() and rgba(); undefined for anything else (named colours, var()). */
export function parseColor(css: string): Rgba | undefined {
  const c = css.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,4})$/.exec(c);
  if (m) {
    const d = m[1]!.split('').map((h) => parseInt(h + h, 16));
    return { r: d[0]!, g: d[1]!, b: d[2]!, a: d.length === 4 ? d[3]! / 255 : 1 };
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(c);
  if (m) {
    const hex = m[1]!;
    return { r: parseInt(hex.slice(0, 2), 16), g: parseInt(hex.slice(2, 4), 16), b: parseInt(hex.slice(4, 6), 16), a: m[2] ? parseInt(m[2], 16) / 255 : 1 };
  }
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+%?))?\s*\)$/.exec(c);
  if (m) {
    const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
    return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a: alpha };
  }
  return undefined;
}

export function toHex({ r, g, b }: Rgba): string {
  const h = (v: number): string => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** `top` painted over an opaque `bottom` (source-over). */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

/** `from` moved towards `to` by t (0 = from, 1 = to), opaque. */
export function mix(from: Rgba, to: Rgba, t: number): Rgba {
  return { r: from.r + (to.r - from.r) * t, g: from.g + (to.g - from.g) * t, b: from.b + (to.b - from.b) * t, a: 1 };
}

export function relativeLuminance({ r, g, b }: Rgba): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Contrast ratio of `foreground` (composited over the background when translucent) against an opaque `background`. */
export function contrastRatio(foreground: string | Rgba, background: string | Rgba): number {
  const bg = typeof background === 'string' ? parseColor(background) : background;
  const fg0 = typeof foreground === 'string' ? parseColor(foreground) : foreground;
  if (!bg || !fg0) return Number.NaN;
  const fg = fg0.a < 1 ? composite(fg0, bg) : fg0;
  const l1 = relativeLuminance(fg);
  const l2 = relativeLuminance(bg);
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}

const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 1 };
const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 1 };

/**
 * `color` if it already reaches `ratio` against `background`; otherwise the same hue moved towards
 * black (light backgrounds) or white (dark ones) just far enough, as an opaque hex. A theme's own
 * colours are kept wherever they pass, so the dashboard still looks like the theme.
 */
export function ensureContrast(color: string, background: string, ratio: number): string {
  const bg = parseColor(background);
  const c0 = parseColor(color);
  if (!bg || !c0) return color;
  const c = c0.a < 1 ? composite(c0, bg) : c0;
  if (contrastRatio(c, bg) >= ratio) return c0.a < 1 ? toHex(c) : color;
  const target = relativeLuminance(bg) > 0.18 ? BLACK : WHITE;
  // Bisection on the mixing weight: contrast grows monotonically as the colour moves away from the
  // background. The result is rounded to 8-bit channels, so the smallest weight that passes after
  // rounding is taken.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 20; i++) {
    const t = (lo + hi) / 2;
    if (contrastRatio(parseColor(toHex(mix(c, target, t)))!, bg) >= ratio) hi = t;
    else lo = t;
  }
  return toHex(mix(c, target, hi));
}

/**
 * A lighter version of `color` for a secondary trace (the raw readings under the smoothed line):
 * blended towards the background by as much as `fade` asks, but never below `ratio`.
 */
export function faded(color: string, background: string, fade: number, ratio: number): string {
  const bg = parseColor(background);
  const c = parseColor(ensureContrast(color, background, ratio));
  if (!bg || !c) return color;
  let t = fade;
  while (t > 0 && contrastRatio(mix(c, bg, t), bg) < ratio) t -= 0.02;
  return toHex(mix(c, bg, Math.max(0, t)));
}
