/**
 * The runs under a folder, from a listing of it (pure; logFiles.ts lists): whatever folder users
 * point at, a run's own folder, its parent, `lightning_logs/`, a whole logs tree.
 * - TensorBoard: every folder that holds event files is a run (as TensorBoard sees it), except
 *   that a split folder (Keras's `train/`, `validation/`) belongs to its parent, and so does a
 *   folder of event files inside another one (PyTorch's add_scalars writes `<tag>_<key>/` inside
 *   the writer's log_dir): those are one run, read together.
 * - Lightning CSVLogger: a folder with a metrics.csv (`lightning_logs/version_N/`).
 * - Hugging Face: an output folder with trainer_state.json or `checkpoint-*` folders holding one;
 *   the newest of them is read (they all hold the history up to their step).
 * - Keras CSVLogger and JSON-lines logs: a file, recognized by its first line.
 * - Loss Lens run folders (metrics.jsonl + config.json), listed for the caller to read.
 * Names are paths relative to the folder given (the folder's own name for itself).
 */
import { isKerasHeader, isLightningHeader } from './csvLogParser';
import { splitCsvLine } from './lineStream';
import { isSplitFolder } from './metricNames';
import { isEventFileName } from './tensorboardParser';
import { SIDECAR_NAME } from './metricsSidecar';
import type { LogFormat } from './logParser';

export interface ListedEntry {
  /** Relative to the listed folder, '/'-separated. */
  readonly path: string;
  readonly kind: 'file' | 'dir';
  readonly mtimeMs?: number;
  /** The first line of a small text file that could be a metric log (.csv, .log, .txt, .jsonl). */
  readonly head?: string;
}

export type RunFormat = LogFormat | 'losslens-run';

export interface DiscoveredRun {
  readonly name: string;
  /** The run's folder, relative ('' for the folder listed). */
  readonly dir: string;
  readonly format: RunFormat;
  /** The files to read, relative to the folder listed (TensorBoard: every event file of the run). */
  readonly files: readonly string[];
  /** predictions.csv files found beside the log (predictions.csv, predictions-epoch3.csv, ...). */
  readonly predictions: readonly string[];
  /** The nearest losslens.metrics.json at or above the run's folder (within the folder listed). */
  readonly sidecar?: string;
  /** The user named these files: read only them (no new event files or checkpoints are looked for). */
  readonly only?: true;
  /**
   * A `jsonl` run whose first line is an epoch or step record of Loss Lens's own metrics.jsonl (a
   * file copied out of its run folder, or written by another tool in that shape): read as one.
   */
  readonly metricsJsonl?: true;
}

/** The first line of Loss Lens's own metrics.jsonl (docs/run-folder.md): an epoch or a step record, as the run folder's writer orders its keys. */
export function isMetricsJsonlLine(first: string | undefined): boolean {
  return first !== undefined && /^\{"epoch":\s*-?\d+(\.\d+)?,"trainLoss":|^\{"step":\s*\d+,"epoch":[^,]*,"loss":[^,]*,"gradNorm":/.test(first);
}

/** Files that may hold a metric log, whose first line the lister reads. */
export const HEAD_FILE = /\.(csv|log|txt|jsonl)$/i;
const PREDICTIONS = /^predictions([-_.]?(epoch)?[-_]?\d+)?\.csv$/i;
const CHECKPOINT = /^checkpoint-(\d+)$/;

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const join = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);

function csvFormat(head: string | undefined): LogFormat | undefined {
  if (head === undefined) return undefined;
  const header = splitCsvLine(head.replace(/^\uFEFF/, '')).map((h) => h.trim());
  if (isKerasHeader(header)) return 'keras-csv';
  if (isLightningHeader(header)) return 'lightning-csv';
  return undefined;
}

export function discoverRuns(entries: readonly ListedEntry[], rootName: string): DiscoveredRun[] {
  const files = new Map<string, ListedEntry[]>();
  for (const e of entries) {
    if (e.kind !== 'file') continue;
    const d = dirOf(e.path);
    const list = files.get(d) ?? [];
    list.push(e);
    files.set(d, list);
  }
  const has = (dir: string, name: string): ListedEntry | undefined => files.get(dir)?.find((f) => baseOf(f.path) === name);
  const runs: DiscoveredRun[] = [];
  const taken = new Set<string>();
  const nameOf = (path: string): string => path || rootName;
  const predictionsIn = (dir: string): string[] => (files.get(dir) ?? []).filter((f) => PREDICTIONS.test(baseOf(f.path))).map((f) => f.path).sort();
  const sidecarFor = (dir: string): string | undefined => {
    for (let d: string | undefined = dir; d !== undefined; d = d ? dirOf(d) : undefined) if (has(d, SIDECAR_NAME)) return join(d, SIDECAR_NAME);
    return undefined;
  };
  const add = (name: string, dir: string, format: RunFormat, runFiles: string[], shape: { metricsJsonl?: true } = {}): void => {
    const sidecar = sidecarFor(dir);
    runs.push({ name, dir, format, files: runFiles, predictions: predictionsIn(dir), ...(sidecar ? { sidecar } : {}), ...shape });
  };

  // Loss Lens run folders and Hugging Face output folders first: their files are no one else's.
  for (const dir of files.keys()) {
    if (has(dir, 'metrics.jsonl') && has(dir, 'config.json')) {
      taken.add(join(dir, 'metrics.jsonl'));
      add(nameOf(dir), dir, 'losslens-run', [join(dir, 'metrics.jsonl')]);
    }
  }
  const hfOutputs = new Map<string, ListedEntry[]>();
  for (const [dir, list] of files) {
    const state = list.find((f) => baseOf(f.path) === 'trainer_state.json');
    if (!state) continue;
    const owner = CHECKPOINT.test(baseOf(dir)) ? dirOf(dir) : dir;
    hfOutputs.set(owner, [...(hfOutputs.get(owner) ?? []), state]);
  }
  for (const [owner, states] of hfOutputs) {
    // The newest save (by time when listed, else the highest checkpoint; the output folder's own last).
    const step = (f: ListedEntry): number => Number(CHECKPOINT.exec(baseOf(dirOf(f.path)))?.[1] ?? Infinity);
    const newest = [...states].sort((a, b) => (a.mtimeMs ?? 0) - (b.mtimeMs ?? 0) || step(a) - step(b)).pop()!;
    for (const s of states) taken.add(s.path);
    add(nameOf(owner), owner, 'hf-trainer-state', [newest.path]);
  }

  // TensorBoard: folders holding event files; split folders and nested writers join their parent.
  const eventDirs = new Map<string, string[]>();
  for (const [dir, list] of files) {
    const events = list.filter((f) => isEventFileName(baseOf(f.path))).map((f) => f.path);
    if (events.length) eventDirs.set(dir, events.sort());
  }
  const owner = (dir: string): string => {
    let d = dir;
    for (;;) {
      if (!d) return d;
      const parent = dirOf(d);
      if (isSplitFolder(baseOf(d)) || eventDirs.has(parent)) d = parent;
      else return d;
    }
  };
  const tbRuns = new Map<string, string[]>();
  for (const [dir, events] of eventDirs) {
    const o = owner(dir);
    tbRuns.set(o, [...(tbRuns.get(o) ?? []), ...events]);
  }
  for (const [dir, events] of tbRuns) add(nameOf(dir), dir, 'tensorboard', events.sort());

  // Text logs, recognized by name and first line.
  for (const [dir, list] of files) {
    for (const f of list) {
      if (taken.has(f.path)) continue;
      const base = baseOf(f.path);
      const csv = /\.(csv|log|txt)$/i.test(base) && !PREDICTIONS.test(base) ? csvFormat(f.head) : undefined;
      if (csv === 'lightning-csv') add(nameOf(dir), dir, csv, [f.path]);
      else if (csv === 'keras-csv') add(f.path, dir, csv, [f.path]);
      else if (/\.jsonl$/i.test(base) && f.head?.trimStart().startsWith('{')) add(f.path, dir, 'jsonl', [f.path], isMetricsJsonlLine(f.head) ? { metricsJsonl: true } : {});
    }
  }
  return runs.sort((a, b) => a.name.localeCompare(b.name) || a.format.localeCompare(b.format));
}

/**
 * TensorBoard's run filter as a test of a run's name: a regular expression (case-insensitive), else
 * (when it is not one) a plain substring, case-insensitive too. An empty filter keeps every run.
 */
export function runNameMatcher(filter: string): (name: string) => boolean {
  if (!filter) return () => true;
  try {
    const re = new RegExp(filter, 'i');
    return (name) => re.test(name);
  } catch {
    const lower = filter.toLowerCase();
    return (name) => name.toLowerCase().includes(lower);
  }
}

/** The runs whose name matches a filter (runNameMatcher). */
export function filterRuns(runs: readonly DiscoveredRun[], filter: string): DiscoveredRun[] {
  const test = runNameMatcher(filter);
  return runs.filter((r) => test(r.name));
}
