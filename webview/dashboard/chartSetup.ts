/**
 * Chart.js registration (tree-shaken: only what the dashboard draws) and theme defaults. Zoom and pan
 * come from chartjs-plugin-zoom (the Chart.js project's own; drag or Ctrl+wheel to zoom, Shift+drag
 * to pan); marker lines from the dashboard's own marker lane (markerLane.ts).
 */
import {
  BarController,
  BarElement,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type Plugin,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { markerLanePlugin, type LaneStyle, type MarkerSpec } from './markerLane';
import type { Theme } from './theme';

/**
 * Fills the canvas with the editor background before drawing, so an exported PNG looks like the
 * panel instead of having a transparent background.
 */
const backgroundPlugin: Plugin = {
  id: 'llBackground',
  beforeDraw(chart) {
    const color = (chart.options.plugins as { llBackground?: { color?: string } }).llBackground?.color;
    if (!color) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

let registered = false;

export function registerCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(
    LineController,
    LineElement,
    PointElement,
    ScatterController,
    BarController,
    BarElement,
    LinearScale,
    LogarithmicScale,
    Tooltip,
    Legend,
    zoomPlugin,
    markerLanePlugin,
    backgroundPlugin,
  );
}

export function applyThemeDefaults(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = 12;
}

/**
 * What every dashboard chart shares: drawn at once (no animation: live updates arrive ~20 times a
 * second), data handed over as {x, y} points (no parsing), sized by its box.
 */
export const STATIC_CHART_OPTIONS = { animation: false, parsing: false, responsive: true, maintainAspectRatio: false } as const;

/** Recolours every scale of `chart` (grid lines, tick labels, titles) and its legend in the theme; the caller updates it. */
export function themeScales(chart: Chart, theme: Theme): void {
  for (const scale of Object.values(chart.options.scales ?? {})) {
    if (!scale) continue;
    scale.grid = { ...scale.grid, color: theme.grid };
    scale.ticks = { ...scale.ticks, color: theme.foreground };
    const title = (scale as { title?: Record<string, unknown> }).title;
    if (title) (scale as { title?: Record<string, unknown> }).title = { ...title, color: theme.foreground };
  }
  const legend = chart.options.plugins?.legend;
  if (legend?.labels) legend.labels.color = theme.foreground;
}

/** The text colours a chart draws with (tick labels, axis titles, legend), for the contrast test. */
export function chartTextColors(chart: Chart): string[] {
  const out: string[] = [];
  for (const scale of Object.values(chart.options.scales ?? {})) {
    if (!scale || scale.display === false) continue;
    out.push(String(scale.ticks?.color ?? ''), String((scale as { title?: { color?: unknown } }).title?.color ?? ''));
  }
  if (chart.options.plugins?.legend?.display !== false) out.push(String(chart.options.plugins?.legend?.labels?.color ?? ''));
  return out;
}

/** How marker labels look in a theme (the lane's font follows the editor's). */
export function laneStyle(theme: Theme): LaneStyle {
  return { font: theme.fontFamily, fontSize: 11, neutral: theme.foreground, lineWidth: theme.lineWidth === 3 ? 2 : 1.5 };
}

/** A marker (best epoch, flag, the range test's rates) at `x`, its label in the lane above the plot. */
export function marker(id: string, x: number, color: string, textColor: string, text: string, options: { dash?: number[]; tag?: string; name?: string; title?: string } = {}): MarkerSpec {
  const name = options.name ?? text;
  return { id, x, lineColor: color, textColor, dash: options.dash ?? [], text, tag: options.tag ?? '', name, title: options.title ?? name };
}

export { Chart };
