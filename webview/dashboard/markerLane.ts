/**
 * Marker lines for Chart.js charts (the best epoch, a flag's epoch, the range test's rates) whose
 * labels live in a lane of their own between the legend and the plot area (a layout box, like the
 * legend), so a label never covers a reading. The lines are drawn under the datasets. The lane is
 * part of the canvas, so an exported PNG shows exactly what the panel shows. Hovering a label puts
 * the full text of its markers in the canvas' tooltip.
 */
import { layouts, type Chart, type ChartArea, type Plugin } from 'chart.js';
import { layoutLane, type LaneLayout } from './markerLayout';

export interface MarkerSpec {
  /** Stable id (tests and summaries). */
  readonly id: string;
  /** Position on the x scale (data units). */
  readonly x: number;
  readonly lineColor: string;
  /** The label's text colour (the line's hue at 4.5:1). */
  readonly textColor: string;
  readonly dash: readonly number[];
  /** Short label for the lane ("best 4"). */
  readonly text: string;
  /** The run's tag in a comparison ("A"), '' otherwise. */
  readonly tag: string;
  /** Its name in the key under the chart ("best epoch 4", "Overfitting, epoch 16"). */
  readonly name: string;
  /** Full text shown on hover ("Overfitting: validation loss +21% since epoch 4 ..."). */
  readonly title: string;
}

export interface LaneStyle {
  readonly font: string;
  readonly fontSize: number;
  /** Colour of a label naming markers of several colours. */
  readonly neutral: string;
  readonly lineWidth: number;
}

/** A placed label in canvas pixels (CSS px), for the tests' "no label covers a reading" check. */
export interface LabelBox {
  readonly text: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

const ROW_HEIGHT = 15;
const LANE_PADDING = 3;
const SEPARATOR = ' · ';

interface LaneState {
  markers: readonly MarkerSpec[];
  style: LaneStyle;
  layout: LaneLayout;
  /** Rows the lane box reserved in the last layout; a different count asks for one more layout. */
  reservedRows: number;
  /** The canvas width of the last layout. */
  laidWidth: number;
  /** New markers or a new width: the row count may shrink once. */
  fresh: boolean;
  needsRelayout: boolean;
  boxes: LabelBox[];
  titles: string[];
  box: LaneBox;
  hoverTitle: boolean;
}

const states = new WeakMap<Chart, LaneState>();

/** The layout box the lane occupies above the plot area (Chart.js' layout engine places it). */
class LaneBox {
  readonly position = 'top';
  /** Below the legend (weight 1000), right above the plot. */
  readonly weight = 100;
  readonly fullSize = true;
  /** Read by Chart.js' layout (a box may stack with others; this one does not). */
  readonly options = {};
  left = 0;
  top = 0;
  right = 0;
  bottom = 0;
  width = 0;
  height = 0;
  constructor(
    private readonly state: () => LaneState | undefined,
    private readonly estimateRows: () => number | undefined,
  ) {}
  update(maxWidth: number): void {
    const state = this.state();
    // A new width (a resize) is laid out with the previous plot margins: usually exact, else corrected after layout.
    const estimate = this.estimateRows();
    if (state && estimate !== undefined) {
      state.reservedRows = estimate;
      state.fresh = true;
    }
    const rows = state?.reservedRows ?? 0;
    this.width = this.right = maxWidth;
    this.height = this.bottom = rows ? rows * ROW_HEIGHT + 2 * LANE_PADDING : 0;
    this.left = 0;
    this.top = 0;
  }
  isHorizontal(): boolean {
    return true;
  }
  draw(): void {
    // Drawn by the plugin's afterDraw, with the final layout.
  }
}

function font(style: LaneStyle): string {
  return `${style.fontSize}px ${style.font}`;
}

/** Sets the markers of a chart (and how labels look); the next update lays them out. */
export function setMarkers(chart: Chart, markers: readonly MarkerSpec[], style: LaneStyle): void {
  const state = states.get(chart);
  if (!state) return;
  state.markers = markers;
  state.style = style;
  state.fresh = true;
}

/** Whether the lane needs another layout pass (its row count changed); the caller updates again. */
export function laneNeedsRelayout(chart: Chart): boolean {
  const state = states.get(chart);
  if (!state?.needsRelayout) return false;
  state.needsRelayout = false;
  return true;
}

/** The placed labels (CSS px within the canvas), and the markers, for summaries and tests. */
export function laneLabels(chart: Chart): { boxes: readonly LabelBox[]; dropped: number; markers: readonly MarkerSpec[] } {
  const state = states.get(chart);
  return { boxes: state?.boxes ?? [], dropped: state?.layout.dropped ?? 0, markers: state?.markers ?? [] };
}

function lanesMarkers(chart: Chart, state: LaneState, px: (x: number) => number) {
  return state.markers.filter((m) => visible(chart, m.x)).map((m) => ({ px: px(m.x), text: m.text, tag: m.tag, color: m.textColor, title: m.title }));
}

/** Lays the visible markers' labels out for a canvas `width`, with `px` mapping x to pixels. */
function lay(chart: Chart, state: LaneState, width: number, px: (x: number) => number): LaneLayout {
  const ctx = chart.ctx;
  ctx.save();
  ctx.font = font(state.style);
  const layout = layoutLane(lanesMarkers(chart, state, px), width, (t) => ctx.measureText(t).width, state.style.neutral, SEPARATOR);
  ctx.restore();
  return layout;
}

function visible(chart: Chart, x: number): boolean {
  const scale = chart.scales.x;
  if (!scale || !Number.isFinite(x)) return false;
  return x >= scale.min && x <= scale.max && (scale.type !== 'logarithmic' || x > 0);
}

export const markerLanePlugin: Plugin = {
  id: 'llMarkers',
  install(chart) {
    // The box is made before the state it reads (the state holds the box).
    const ref: { state?: LaneState } = {};
    const box = new LaneBox(
      () => ref.state,
      () => {
        const scale = chart.scales.x;
        const area = chart.chartArea;
        // Only after a resize (the canvas width changed since the last layout); otherwise the rows of the last layout stand.
        const state = ref.state;
        if (!state || !scale || !area || chart.width === state.laidWidth || !(scale.max > scale.min) || !state.markers.length) return undefined;
        const width = chart.width;
        const left = area.left;
        const right = width - (state.laidWidth - area.right);
        const log = scale.type === 'logarithmic';
        const t = (x: number): number => (log ? Math.log10(x) : x);
        const px = (x: number): number => left + ((t(x) - t(scale.min)) / (t(scale.max) - t(scale.min))) * (right - left);
        return lay(chart, state, width, px).rows;
      },
    );
    const state: LaneState = {
      markers: [],
      style: { font: 'sans-serif', fontSize: 11, neutral: '#888', lineWidth: 1.5 },
      layout: { labels: [], rows: 0, dropped: 0 },
      reservedRows: 0,
      laidWidth: 0,
      fresh: true,
      needsRelayout: false,
      boxes: [],
      titles: [],
      box,
      hoverTitle: false,
    };
    ref.state = state;
    states.set(chart, state);
    // The same registration the legend and title plugins use for their boxes.
    layouts.addBox(chart, box as unknown as Parameters<typeof layouts.addBox>[1]);
  },
  afterLayout(chart) {
    const state = states.get(chart);
    const scale = chart.scales.x;
    if (!state || !scale) return;
    const lane = lanesMarkers(chart, state, (x) => scale.getPixelForValue(x));
    state.layout = lay(chart, state, chart.width, (x) => scale.getPixelForValue(x));
    state.laidWidth = chart.width;
    // The lane's height changes the plot's, which can change the y axis' width and so where the lines
    // fall: with the same markers and width the lane only grows, so the layout settles instead of
    // swinging between two row counts.
    const rows = state.fresh ? state.layout.rows : Math.max(state.layout.rows, state.reservedRows);
    state.fresh = false;
    if (rows !== state.reservedRows) {
      state.reservedRows = rows;
      state.needsRelayout = true;
      // The dashboard lays out again at once (laneNeedsRelayout); a resize of the canvas has no caller, so the next frame does.
      requestAnimationFrame(() => {
        if (states.get(chart) === state && laneNeedsRelayout(chart)) chart.update('none');
      });
    }
    const top = state.box.top + LANE_PADDING;
    state.boxes = state.layout.labels.map((l) => ({ text: l.parts.map((p) => p.text).join(SEPARATOR), left: l.left, top: top + l.row * ROW_HEIGHT, width: l.width, height: ROW_HEIGHT }));
    state.titles = state.layout.labels.map((l) =>
      lane
        .filter((m) => Math.abs(m.px - l.px) <= l.width / 2 + 6)
        .map((m) => m.title)
        .filter((t, i, all) => all.indexOf(t) === i)
        .join('\n'),
    );
  },
  beforeDatasetsDraw(chart) {
    const state = states.get(chart);
    const scale = chart.scales.x;
    if (!state || !scale || !state.markers.length) return;
    const area: ChartArea = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.lineWidth = state.style.lineWidth;
    for (const m of state.markers) {
      if (!visible(chart, m.x)) continue;
      const px = Math.round(scale.getPixelForValue(m.x)) + 0.5;
      ctx.strokeStyle = m.lineColor;
      ctx.setLineDash([...m.dash]);
      ctx.beginPath();
      ctx.moveTo(px, area.top);
      ctx.lineTo(px, area.bottom);
      ctx.stroke();
    }
    ctx.restore();
  },
  afterDraw(chart) {
    const state = states.get(chart);
    if (!state || !state.layout.labels.length) return;
    const ctx = chart.ctx;
    const areaTop = chart.chartArea.top;
    ctx.save();
    ctx.font = font(state.style);
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    state.layout.labels.forEach((label, i) => {
      const box = state.boxes[i]!;
      let x = label.left;
      label.parts.forEach((part, j) => {
        if (j) {
          ctx.fillStyle = state.style.neutral;
          ctx.fillText(SEPARATOR, x, box.top + ROW_HEIGHT / 2);
          x += ctx.measureText(SEPARATOR).width;
        }
        ctx.fillStyle = part.color;
        ctx.fillText(part.text, x, box.top + ROW_HEIGHT / 2);
        x += ctx.measureText(part.text).width;
      });
      // A short tick from the label down to the plot, where its line starts, unless a label below is in the way.
      const blocked = state.boxes.some((b, k) => k !== i && b.top > box.top && label.px >= b.left - 2 && label.px <= b.left + b.width + 2);
      if (blocked) return;
      ctx.strokeStyle = label.parts.length === 1 ? label.parts[0]!.color : state.style.neutral;
      ctx.lineWidth = 1;
      ctx.setLineDash([]);
      ctx.beginPath();
      const px = Math.round(label.px) + 0.5;
      ctx.moveTo(px, box.top + ROW_HEIGHT - 1);
      ctx.lineTo(px, areaTop);
      ctx.stroke();
    });
    ctx.restore();
  },
  afterEvent(chart, args) {
    const state = states.get(chart);
    const e = args.event;
    if (!state || e.type !== 'mousemove' || e.x === null || e.y === null) return;
    const at = state.boxes.findIndex((b) => e.x! >= b.left && e.x! <= b.left + b.width && e.y! >= b.top && e.y! <= b.top + b.height);
    const canvas = chart.canvas;
    if (at >= 0) {
      canvas.title = state.titles[at] ?? '';
      state.hoverTitle = true;
    } else if (state.hoverTitle) {
      canvas.title = '';
      state.hoverTitle = false;
    }
  },
  uninstall(chart) {
    states.delete(chart);
  },
};
