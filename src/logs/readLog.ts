/**
 * Reads another trainer's log or logs tree once, whole (found by discoverRuns.ts and read by the
 * incremental readers to the end), or a bare metrics.jsonl. Run folders are not logs:
 * sources/sourceFor.ts sends them to the run-folder reader. A folder of several runs reads the one
 * with the most epochs and names the others in a note, until the callers show every run.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { EpochMetrics } from '../model';
import { LogError } from './errors';
import { parseMetricsJsonl, PARTIAL_LAST_LINE_NOTE } from '../runFolder';
import type { LogStep, TrainingLog } from './trainingLog';
import { findLogRunsSync, parserFor, readRunSync, type ReaderOptions } from './logFiles';
import { NO_MAPPING } from './metricsSidecar';
import type { DiscoveredRun } from './discoverRuns';
import { FORMAT_NAMES } from './logParser';
import type { LogUpdate } from './logUpdate';
import { epochFromName, parsePredictions } from './predictionsFile';

/** What was looked for, named when nothing is found. */
const KNOWN = 'a run folder (metrics.jsonl), a Keras CSVLogger .csv/.log, a Lightning metrics.csv, a Hugging Face trainer_state.json (or its output folder), TensorBoard events.out.tfevents.* files (or their folder), or a JSON-lines metric log';

/** A log that was read and held nothing to diagnose: the caller exits 2 (bad input), never "no problems". */
export class EmptyLogError extends LogError {
  constructor(file: string, detail: string) {
    super(`nothing to diagnose: nothing was read (${detail})`, file);
    this.name = 'LogError';
  }
}

/**
 * The updates of a whole read as one TrainingLog (revised epochs replace the first reading). A
 * segment not known to continue the training before it (a second run in a reused log_dir) starts
 * another run: the log is that last run, numbered from 1 again, and a note names what was left out.
 */
export function updatesToLog(format: string, file: string, updates: readonly LogUpdate[]): TrainingLog {
  const byEpoch = new Map<number, EpochMetrics>();
  let steps: LogStep[] = [];
  const notes: string[] = [];
  for (const u of updates) {
    for (const e of u.epochs) byEpoch.set(e.epoch, e);
    for (const e of u.revised) byEpoch.set(e.epoch, e);
    for (let i = 0; i < u.steps.length; i++) steps.push(u.steps.at(i));
    notes.push(...u.notes);
  }
  let epochs = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  const fresh = updates.flatMap((u) => u.segments).filter((s) => s.continued !== true).pop();
  if (fresh && (epochs.some((e) => e.epoch >= fresh.firstEpoch) || steps.some((s) => s.step >= fresh.firstStep))) {
    const [de, ds] = [fresh.firstEpoch - 1, fresh.firstStep - 1];
    notes.push(`read the last run only (segment ${fresh.index + 1}, from epoch ${fresh.firstEpoch} of the log as read, numbered from 1 here): epochs 1..${de} and steps 1..${ds} are an earlier run in the same place`);
    epochs = epochs.filter((e) => e.epoch > de).map((e) => ({ ...e, epoch: e.epoch - de }));
    steps = steps.filter((s) => s.step > ds).map((s) => ({ ...s, step: s.step - ds, epoch: s.epoch - de }));
  }
  return { format, file, epochs, steps, notes };
}

/** The error for a path that holds no run: what was looked for. */
export function noLogFound(target: string): LogError {
  const what = statSync(target).isDirectory() ? 'not a run folder (no metrics.jsonl), and no other trainer\'s log in it' : 'not a log loss-lens can read';
  return new LogError(`${what}: expected ${KNOWN}`, target);
}

function readForeign(target: string, options: ReaderOptions): TrainingLog {
  const { root, runs } = findLogRunsSync(target);
  // A metrics.jsonl named on its own (discovery read its first line): Loss Lens's own format.
  if (runs.length === 1 && runs[0]!.only && runs[0]!.metricsJsonl) return metricsJsonlLog(readFileSync(target, 'utf8'), target);
  const foreign = runs.filter((r) => r.format !== 'losslens-run');
  if (!foreign.length) {
    const folders = runs.filter((r) => r.format === 'losslens-run').map((r) => r.name);
    if (folders.length) throw new LogError(`holds Loss Lens run folders, not another trainer's log: name one of them (${folders.slice(0, 5).join(', ')}${folders.length > 5 ? ', ...' : ''})`, target);
    throw noLogFound(target);
  }
  const read = foreign.map((run) => {
    const { update, records } = readRunSync(root, run, options);
    return { run, log: updatesToLog(FORMAT_NAMES[run.format as keyof typeof FORMAT_NAMES], foreign.length === 1 && run.only ? target : path.join(root, run.dir || run.files[0]!), update), records };
  });
  const best = read.reduce((a, b) => (b.log.epochs.length > a.log.epochs.length ? b : a));
  if (!best.records) throw new EmptyLogError(best.log.file, 'the log is empty (no records in it yet)');
  if (!best.log.epochs.length && !best.log.steps.length) {
    throw new EmptyLogError(best.log.file, `no loss, accuracy or learning-rate values in it${best.log.notes.length ? ` (${best.log.notes[0]})` : ''}`);
  }
  const others = read.filter((r) => r !== best).map((r) => r.run.name);
  const notes = [...best.log.notes];
  if (others.length) notes.unshift(`${read.length} runs found; read "${best.run.name}" (the most epochs); the others: ${others.slice(0, 10).join(', ')}${others.length > 10 ? ', ...' : ''}`);
  return { ...best.log, notes, ...predictionsOf(root, best.run, notes) };
}

/** The latest predictions file beside the log, as the final validation outputs. */
function predictionsOf(root: string, run: DiscoveredRun, notes: string[]): Partial<TrainingLog> {
  const file = run.predictions[run.predictions.length - 1];
  if (!file) return {};
  const abs = path.join(root, file);
  try {
    const p = parsePredictions(readFileSync(abs, 'utf8'), abs, epochFromName(path.basename(file)));
    notes.push(...p.notes);
    const last = p.groups[p.groups.length - 1];
    return last ? { classes: p.classes, finalValidation: last.outputs } : {};
  } catch (e) {
    // A broken optional file never blocks the log it sits beside.
    notes.push(`${(e as Error).message}: predictions not used`);
    return {};
  }
}

export function readTrainingLog(file: string, options: ReaderOptions = {}): TrainingLog {
  // (A missing path, a FIFO, a device or a symbolic link loop is named by findLogRunsSync.)
  return readForeign(file, options);
}

/** A metrics.jsonl without its run folder (copied out, or written by another tool in the same format), from its text. */
export function metricsJsonlLog(text: string, file: string): TrainingLog {
  const metrics = parseMetricsJsonl(text, file);
  return { format: 'loss-lens metrics.jsonl', file, epochs: metrics.epochs, steps: metrics.steps, notes: metrics.partialLastLine ? [PARTIAL_LAST_LINE_NOTE] : [] };
}

/** A log's whole content as one format reads it (a test, a log handed over as text): read to its end. */
export function readLogBytes(format: Exclude<DiscoveredRun['format'], 'losslens-run'>, bytes: Uint8Array | string, file: string, options: ReaderOptions = {}): TrainingLog {
  const run: DiscoveredRun = { name: file, dir: '', format, files: [file], predictions: [], only: true };
  const parser = parserFor(run, options.mapping ?? NO_MAPPING);
  parser.feed(file, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  return updatesToLog(FORMAT_NAMES[format], file, [parser.take(), parser.finish()]);
}
