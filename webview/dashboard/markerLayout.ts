/**
 * Where the labels of a chart's marker lines go: in a lane ABOVE the plot area, so no label ever
 * covers a reading. Markers closer than MERGE_PX merge into one label (the best epoch and the
 * overfitting onset are often the same epoch; in a comparison two runs often share it); labels are
 * kept inside the canvas (never clipped) and stacked into rows when they would overlap. Pure: the
 * caller measures text and maps x to pixels.
 */

/** Markers whose lines are this close (px) share one label. */
export const MERGE_PX = 6;
/** Horizontal room (px) kept between two labels in a row. */
const LABEL_GAP = 6;
/** The lane grows to at most this many rows; a label that fits none is listed in the chart's key only. */
export const MAX_LANE_ROWS = 3;

export interface LaneMarker {
  /** Pixel x of the line. */
  readonly px: number;
  /** What it marks, without the run ("best 4", "Overfitting 16"). */
  readonly text: string;
  /** The run's short tag in a comparison ("A"), '' otherwise. */
  readonly tag: string;
  /** Colour of the label's text. */
  readonly color: string;
}

export interface LabelPart {
  readonly text: string;
  readonly color: string;
}

export interface PlacedLabel {
  readonly parts: readonly LabelPart[];
  /** Pixel x of the line(s) it names (the mean of a merged cluster). */
  readonly px: number;
  readonly left: number;
  readonly width: number;
  readonly row: number;
}

export interface LaneLayout {
  readonly labels: readonly PlacedLabel[];
  readonly rows: number;
  /** Clusters that fit no row (their lines are still drawn and named in the key). */
  readonly dropped: number;
}

/**
 * Groups markers into clusters of nearby lines, and within a cluster joins markers with the same
 * text across runs ("A, B best 4"), so a comparison names each run once per label.
 */
export function clusterMarkers(markers: readonly LaneMarker[], neutral: string): { px: number; parts: LabelPart[] }[] {
  const sorted = [...markers].sort((a, b) => a.px - b.px);
  const clusters: LaneMarker[][] = [];
  for (const m of sorted) {
    const last = clusters[clusters.length - 1];
    if (last && m.px - last[last.length - 1]!.px <= MERGE_PX) last.push(m);
    else clusters.push([m]);
  }
  return clusters.map((members) => {
    const byText = new Map<string, LaneMarker[]>();
    for (const m of members) byText.set(m.text, [...(byText.get(m.text) ?? []), m]);
    const parts = [...byText].map(([text, ms]) => {
      const tags = [...new Set(ms.map((m) => m.tag).filter(Boolean))];
      const colors = new Set(ms.map((m) => m.color));
      return { text: tags.length ? `${tags.join(', ')} ${text}` : text, color: colors.size === 1 ? ms[0]!.color : neutral };
    });
    return { px: members.reduce((s, m) => s + m.px, 0) / members.length, parts };
  });
}

/**
 * Places each cluster's label centred on its line where it fits, shifted inside [0, width] where it
 * does not, in the first row where it overlaps no other label.
 */
export function layoutLane(markers: readonly LaneMarker[], width: number, measure: (text: string) => number, neutral: string, separator = ' · '): LaneLayout {
  const rowsEnd: number[] = [];
  const labels: PlacedLabel[] = [];
  let dropped = 0;
  for (const cluster of clusterMarkers(markers, neutral)) {
    const w = cluster.parts.reduce((s, p, i) => s + measure(p.text) + (i ? measure(separator) : 0), 0);
    const left = Math.min(Math.max(0, cluster.px - w / 2), Math.max(0, width - w));
    let row = rowsEnd.findIndex((end) => left >= end + LABEL_GAP);
    if (row < 0 && rowsEnd.length < MAX_LANE_ROWS) row = rowsEnd.push(-Infinity) - 1;
    if (row < 0) {
      dropped++;
      continue;
    }
    rowsEnd[row] = left + w;
    labels.push({ parts: cluster.parts, px: cluster.px, left, width: w, row });
  }
  return { labels, rows: rowsEnd.length, dropped };
}
