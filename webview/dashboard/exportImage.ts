/**
 * The PNGs of an export (`export/render`): each chart drawn for where it is going and headed with
 * what it shows. On paper or a slide the dark editor background reads badly and an untitled chart
 * says nothing, so the "paper" style redraws the charts in a light print theme (white, dark text, the
 * light themes' chart colours) and every image gets a title band: the run and the metric, then how
 * the run stands and when it started. The "editor" style keeps the editor's theme, with the title.
 */
import type { ExportStyle } from '../../src/protocol/webview';
import type { Theme } from './theme';

/** A print theme: the editor's font and line widths, VS Code's light chart colours on white. */
export function paperTheme(base: Theme): Theme {
  return {
    ...base,
    kind: 'light',
    foreground: '#1f1f1f',
    muted: '#5f5f5f',
    grid: 'rgba(0,0,0,0.12)',
    background: '#ffffff',
    palette: ['#1a85ff', '#d18616', '#388a34', '#652d90', '#bf8803', '#e51400'],
    error: '#e51400',
    warning: '#bf8803',
    info: '#1a85ff',
    best: '#388a34',
  };
}

export const exportTheme = (style: ExportStyle, editor: Theme): Theme => (style === 'paper' ? paperTheme(editor) : editor);

/** Title band: its height per line and padding, in CSS pixels at the chart's own pixel density. */
const TITLE_PX = 16;
const SUBTITLE_PX = 12;
const PAD_PX = 12;

/**
 * The chart image `pngDataUrl` under a title band, on the theme's background. `scale` is the
 * image's pixels per CSS pixel (the chart canvas's device pixel ratio), so the text matches the
 * chart's own labels.
 */
export async function titledPng(pngDataUrl: string, title: string, subtitle: string, theme: Theme, scale: number): Promise<string> {
  const image = new Image();
  image.src = pngDataUrl;
  await image.decode();
  const band = Math.round((PAD_PX * 2 + TITLE_PX + 6 + SUBTITLE_PX) * scale);
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight + band;
  const ctx = canvas.getContext('2d');
  if (!ctx) return pngDataUrl;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.textBaseline = 'top';
  ctx.fillStyle = theme.foreground;
  ctx.font = `600 ${TITLE_PX * scale}px ${theme.fontFamily}`;
  ctx.fillText(title, PAD_PX * scale, PAD_PX * scale, canvas.width - 2 * PAD_PX * scale);
  ctx.fillStyle = theme.muted;
  ctx.font = `${SUBTITLE_PX * scale}px ${theme.fontFamily}`;
  ctx.fillText(subtitle, PAD_PX * scale, (PAD_PX + TITLE_PX + 6) * scale, canvas.width - 2 * PAD_PX * scale);
  ctx.drawImage(image, 0, band);
  return canvas.toDataURL('image/png');
}
