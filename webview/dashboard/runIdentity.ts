/**
 * How a run is told apart from the others in a comparison: a label of name + start time (plus a
 * short id when even those coincide), a one-letter tag for marker labels, and a colour that stays
 * the run's own whatever else is compared with it (picked from its id, W&B-style, moved to the next
 * free palette slot only when two runs of one comparison would share it).
 */
import type { RunModel } from './store';

export interface RunStyle {
  readonly label: string;
  /** "A", "B", ... in display order. */
  readonly tag: string;
  readonly color: string;
}

/** FNV-1a: a small stable hash of the run id. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** How many palette colours a run's hash picks from. */
const RUN_COLOURS = 4;

const pad = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "14:47" when all runs started on one day, "Nov 22 14:47" otherwise (local time). */
function startText(startedAt: number, withDay: boolean, withSeconds: boolean): string {
  const d = new Date(startedAt);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
  return withDay ? `${MONTHS[d.getMonth()]} ${d.getDate()} ${time}` : time;
}

function tagOf(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`;
}

export function runStyles(runs: readonly RunModel[], palette: readonly string[]): Map<string, RunStyle> {
  const days = new Set(runs.map((r) => new Date(r.startedAt).toDateString()));
  const withDay = days.size > 1;
  const names = (withSeconds: boolean): string[] => runs.map((r) => `${r.name} · ${startText(r.startedAt, withDay, withSeconds)}`);
  let labels = names(false);
  if (new Set(labels).size < labels.length) labels = names(true);
  // Still equal (one config run twice within a second, or no start time): add a short id.
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  labels = labels.map((l, i) => ((counts.get(l) ?? 0) > 1 ? `${l} · ${runs[i]!.id.slice(-6)}` : l));
  const used = new Set<number>();
  const styles = new Map<string, RunStyle>();
  // Runs take the first colours (blue, orange, purple, green); red and yellow, which also mean error
  // and warning, only when more runs than that are compared.
  const preferred = Math.min(RUN_COLOURS, palette.length);
  runs.forEach((run, i) => {
    const first = hash(run.id) % preferred;
    const order = [...Array(palette.length).keys()].map((k) => (k < preferred ? (first + k) % preferred : k));
    // Every colour taken (more runs than colours): share them in turn.
    const slot = order.find((k) => !used.has(k)) ?? i % palette.length;
    used.add(slot);
    styles.set(run.id, { label: labels[i]!, tag: tagOf(i), color: palette[slot]! });
  });
  return styles;
}
