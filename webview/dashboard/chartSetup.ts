/** Chart.js registration (tree-shaken: only what the dashboard draws) and theme defaults. */
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
import annotationPlugin, { type AnnotationOptions } from 'chartjs-plugin-annotation';
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
    annotationPlugin,
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

/** Recolours every scale of `chart` (grid lines and tick labels) in the theme; the caller updates it. */
export function themeScales(chart: Chart, theme: Theme): void {
  for (const scale of Object.values(chart.options.scales ?? {})) {
    if (!scale) continue;
    scale.grid = { ...scale.grid, color: theme.grid };
    scale.ticks = { ...scale.ticks, color: theme.foreground };
  }
}

/**
 * A vertical marker line at `x` on the x scale with a label in the line's colour (best epoch,
 * flags, the range test's rates); `yAdjust` moves the label to stack labels that would overlap.
 */
export function markerLine(x: number, color: string, text: string, theme: Theme, label: { position: 'start' | 'center' | 'end'; dash: number[]; display?: boolean; yAdjust?: number }): AnnotationOptions {
  return {
    type: 'line',
    scaleID: 'x',
    value: x,
    borderColor: color,
    borderWidth: theme.lineWidth === 3 ? 2 : 1.5,
    borderDash: label.dash,
    label: {
      display: label.display ?? true,
      content: text,
      position: label.position,
      yAdjust: label.yAdjust ?? 0,
      color: theme.background,
      backgroundColor: color,
      font: { size: 11 },
      padding: 3,
    },
  };
}

export { Chart };
