/**
 * Colours from the editor's theme. VS Code sets `--vscode-*` variables on <html> and a body class
 * (`vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`) and changes
 * both when the user switches themes, so the charts re-read them and redraw on a class change.
 *
 * Every colour the charts draw is checked against the editor background: series and marker lines
 * reach 3:1 and text 4.5:1 (contrast.ts), moved just far enough towards black or white where the
 * theme's own chart colour does not (Light Modern's orange is 2.6:1 on white).
 */
import { ensureContrast, GRAPHIC_CONTRAST, TEXT_CONTRAST } from './contrast';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  readonly kind: ThemeKind;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly fontFamily: string;
  /** Series colours, in order: train, validation, then more runs. */
  readonly palette: readonly string[];
  readonly error: string;
  readonly warning: string;
  readonly info: string;
  readonly best: string;
  /** Text in a severity's colour (marker labels, badges): the same hue at 4.5:1. */
  readonly text: Readonly<Record<'error' | 'warning' | 'info' | 'best' | 'muted', string>>;
  /** Line width of the main (smoothed) lines; thicker in high contrast. */
  readonly lineWidth: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

/** Fallbacks when a variable is missing, per theme kind (VS Code's defaults for its built-in themes). */
const FALLBACK: Readonly<Record<ThemeKind, Readonly<Record<string, string>>>> = {
  light: { fg: '#3b3b3b', muted: '#717171', bg: '#ffffff', blue: '#1a85ff', orange: '#d18616', green: '#388a34', purple: '#652d90', yellow: '#bf8803', red: '#e51400', error: '#e51400', warning: '#bf8803', info: '#1a85ff' },
  dark: { fg: '#cccccc', muted: '#9d9d9d', bg: '#1f1f1f', blue: '#3794ff', orange: '#d18616', green: '#89d185', purple: '#b180d7', yellow: '#cca700', red: '#f14c4c', error: '#f85149', warning: '#cca700', info: '#3794ff' },
  'high-contrast': { fg: '#ffffff', muted: '#ffffff', bg: '#000000', blue: '#3794ff', orange: '#ab5a00', green: '#89d185', purple: '#b180d7', yellow: '#ffd370', red: '#f48771', error: '#f48771', warning: '#ffd370', info: '#3794ff' },
  'high-contrast-light': { fg: '#292929', muted: '#292929', bg: '#ffffff', blue: '#0f4a85', orange: '#0f4a85', green: '#374e06', purple: '#652d90', yellow: '#895503', red: '#b5200d', error: '#b5200d', warning: '#895503', info: '#0f4a85' },
};

export function readTheme(): Theme {
  const kind = themeKind();
  const style = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  const light = kind === 'light' || kind === 'high-contrast-light';
  const hc = kind === 'high-contrast' || kind === 'high-contrast-light';
  const f = FALLBACK[kind];
  const v = (name: string, fallback: string): string => cssVar(style, name, cssVar(body, name, fallback));
  const background = v('--vscode-editor-background', f.bg!);
  const foreground = ensureContrast(v('--vscode-editor-foreground', v('--vscode-foreground', f.fg!)), background, TEXT_CONTRAST);
  const graphic = (c: string): string => ensureContrast(c, background, GRAPHIC_CONTRAST);
  const textual = (c: string): string => ensureContrast(c, background, TEXT_CONTRAST);
  const error = graphic(v('--vscode-errorForeground', f.error!));
  const warning = graphic(v('--vscode-editorWarning-foreground', f.warning!));
  const info = graphic(v('--vscode-editorInfo-foreground', f.info!));
  const best = graphic(v('--vscode-charts-green', f.green!));
  const muted = textual(v('--vscode-descriptionForeground', f.muted!));
  return {
    kind,
    foreground,
    muted,
    grid: hc ? withAlpha(v('--vscode-contrastBorder', foreground), 0.45) : light ? 'rgba(0,0,0,0.10)' : 'rgba(255,255,255,0.10)',
    background,
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    palette: [
      v('--vscode-charts-blue', f.blue!),
      v('--vscode-charts-orange', f.orange!),
      v('--vscode-charts-purple', f.purple!),
      v('--vscode-charts-green', f.green!),
      v('--vscode-charts-red', f.red!),
      v('--vscode-charts-yellow', f.yellow!),
    ].map(graphic),
    error,
    warning,
    info,
    best,
    text: { error: textual(error), warning: textual(warning), info: textual(info), best: textual(best), muted },
    lineWidth: hc ? 3 : 2,
  };
}

/**
 * Publishes the contrast-checked colours as CSS variables (`--ll-*`) for the HTML parts (badges,
 * deltas, swatches); set through the CSSOM, which the webview's CSP allows.
 */
export function publishThemeColors(theme: Theme, root: HTMLElement = document.documentElement): void {
  const set = (name: string, value: string): void => root.style.setProperty(name, value);
  set('--ll-fg', theme.foreground);
  set('--ll-muted', theme.muted);
  for (const [k, c] of Object.entries(theme.text)) set(`--ll-${k}-text`, c);
  set('--ll-error', theme.error);
  set('--ll-warning', theme.warning);
  set('--ll-info', theme.info);
  set('--ll-best', theme.best);
}

/** `color` at `alpha` (hex #rgb/#rrggbb or rgb()/rgba(); anything else is returned unchanged). */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let r: number, g: number, b: number;
  if (/^#[0-9a-f]{3}$/i.test(c)) {
    [r, g, b] = [1, 2, 3].map((i) => parseInt(c[i]! + c[i]!, 16)) as [number, number, number];
  } else if (/^#[0-9a-f]{6}([0-9a-f]{2})?$/i.test(c)) {
    [r, g, b] = [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
  } else {
    const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(c);
    if (!m) return c;
    [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Calls `onChange` when the body's theme class changes. */
export function observeTheme(onChange: () => void): MutationObserver {
  let last = document.body.className;
  const observer = new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    onChange();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return observer;
}
