/**
 * Colours from the editor's theme. VS Code sets `--vscode-*` variables on <html> and a body class
 * (`vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`) and changes
 * both when the user switches themes, so the charts re-read them and redraw on a class change.
 */

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

export function readTheme(): Theme {
  const kind = themeKind();
  const style = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  const light = kind === 'light' || kind === 'high-contrast-light';
  const hc = kind === 'high-contrast' || kind === 'high-contrast-light';
  const v = (name: string, fallback: string): string => cssVar(style, name, cssVar(body, name, fallback));
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', light ? '#333333' : '#cccccc'));
  return {
    kind,
    foreground,
    muted: v('--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d'),
    grid: hc ? withAlpha(v('--vscode-contrastBorder', foreground), 0.45) : light ? 'rgba(0,0,0,0.10)' : 'rgba(255,255,255,0.10)',
    background: v('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    palette: [
      v('--vscode-charts-blue', light ? '#1a85ff' : '#3794ff'),
      v('--vscode-charts-orange', light ? '#d18616' : '#d18616'),
      v('--vscode-charts-green', light ? '#388a34' : '#89d185'),
      v('--vscode-charts-purple', light ? '#652d90' : '#b180d7'),
      v('--vscode-charts-yellow', light ? '#bf8803' : '#cca700'),
      v('--vscode-charts-red', light ? '#e51400' : '#f14c4c'),
    ],
    error: v('--vscode-errorForeground', light ? '#e51400' : '#f48771'),
    warning: v('--vscode-editorWarning-foreground', light ? '#bf8803' : '#cca700'),
    info: v('--vscode-editorInfo-foreground', light ? '#1a85ff' : '#3794ff'),
    best: v('--vscode-charts-green', light ? '#388a34' : '#89d185'),
    lineWidth: hc ? 3 : 2,
  };
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
