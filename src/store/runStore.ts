/**
 * Every run the extension knows about, whatever its source (trained here, another trainer's log, a
 * run folder), keyed by an opaque id (a hash of the folder path: stable across reloads, so a
 * restored dashboard can ask for the same runs, and never a path the webview could abuse). A run's
 * readings are folded into its record by `applyReading`, the one fold for every source. Free of `vscode`.
 */
import { createHash } from 'node:crypto';
import { Disposable, Emitter } from '../dispose';
import { type Calibration, type DiagnosticsReport, type EceReading, eceReadingOf, type EpochMetrics, type Flag, type RunEnd, type RunReading, type RunStart, type RunState, type ScalarSeries, type StepStats, type StopReason } from '../model';
import type { RunSource } from '../sources/runSource';
import type { RunSnapshot } from '../protocol/webview';
import { appendScalars, type KeptScalarSeries } from './scalarSeries';

export interface RunRecord {
  readonly id: string;
  /** Absolute path of the run folder (or of the foreign log it was read from). */
  readonly dir: string;
  /** The `*.losslens.json` the run trained, when known (live runs, or found beside the folder). */
  configPath: string | undefined;
  name: string;
  state: RunState;
  reason: StopReason | undefined;
  startedAt: number;
  endedAt: number | undefined;
  classes: readonly string[];
  epochsPlanned: number;
  stepsPerEpoch: number;
  readonly epochs: EpochMetrics[];
  readonly steps: StepStats[];
  flags: Flag[];
  calibration: Calibration | null;
  /** The validation ECE per epoch: from each progress's calibration while it trains, diagnostics.json's once it ended. */
  eceByEpoch: EceReading[];
  /** Other series the run logged, each bounded (scalarSeries.ts). */
  readonly scalars: KeptScalarSeries[];
  /** The run's resolved config (config.json), when its source has one. */
  config: Readonly<Record<string, unknown>> | undefined;
  diagnostics: DiagnosticsReport | null;
  error: string | undefined;
  /** Where it came from: trained in this window, a run folder on disk, or another trainer's log. */
  readonly origin: 'live' | 'folder' | 'log';
  /** True while a source reads the run as another process writes it ("Follow"); false once it ends. */
  followed: boolean;
}

export interface RunProgress {
  readonly run: RunRecord;
  readonly steps: readonly StepStats[];
  readonly epochs: readonly EpochMetrics[];
  /** Epochs sent before and now replaced (a log file that flushed late). */
  readonly revised?: readonly EpochMetrics[];
  readonly calibration?: Calibration;
  /** New points of other series (the store keeps a bounded copy; this is every point). */
  readonly scalars?: readonly ScalarSeries[];
}

/** Stable opaque id of a run folder: 16 hex digits of SHA-1 of its absolute path. */
export const runIdOf = (dir: string): string => createHash('sha1').update(dir).digest('hex').slice(0, 16);

/**
 * Steps kept in memory per run for the dashboard. The run folder keeps what the writer keeps; the
 * chart needs no more than this (it downsamples further), and 100k objects stay a few tens of MB.
 */
export const MAX_STEPS_KEPT = 100_000;

export function newRunRecord(init: Partial<RunRecord> & Pick<RunRecord, 'dir' | 'name' | 'origin'>): RunRecord {
  return {
    id: runIdOf(init.dir),
    configPath: undefined,
    state: 'running',
    reason: undefined,
    startedAt: Date.now(),
    endedAt: undefined,
    classes: [],
    epochsPlanned: 0,
    stepsPerEpoch: 0,
    epochs: [],
    steps: [],
    flags: [],
    calibration: null,
    eceByEpoch: [],
    scalars: [],
    config: undefined,
    diagnostics: null,
    error: undefined,
    followed: false,
    ...init,
  };
}

/** Folds a run's start into its record: what the source knows before the first reading. */
function foldStart(run: RunRecord, info: RunStart): void {
  if (info.name) run.name = info.name;
  if (info.startedAt !== undefined) run.startedAt = info.startedAt;
  if (info.configPath !== undefined) run.configPath = info.configPath;
  run.classes = info.classes;
  run.epochsPlanned = info.epochs;
  run.stepsPerEpoch = info.stepsPerEpoch;
  if (info.config) run.config = info.config;
}

type Progress = Extract<RunReading, { type: 'run/didProgress' }>;

/**
 * Appends `items`, keeping the last `max`. A loop, not push(...items): a log read whole arrives as one
 * batch (a long trainer_state.json, a run folder of 150,000 steps), and spreading more than about
 * 120,000 arguments overflows the call stack.
 */
function appendBounded<T>(into: T[], items: readonly T[], max: number): void {
  const from = Math.max(0, items.length - max);
  if (from > 0) into.length = 0;
  for (let i = from; i < items.length; i++) into.push(items[i]!);
  if (into.length > max) into.splice(0, into.length - max);
}

function foldProgress(run: RunRecord, reading: Progress): void {
  for (const e of reading.revised ?? []) {
    const at = run.epochs.findIndex((p) => p.epoch === e.epoch);
    if (at >= 0) run.epochs[at] = e;
  }
  appendBounded(run.epochs, reading.epochs, Infinity);
  appendBounded(run.steps, reading.steps, MAX_STEPS_KEPT);
  if (reading.scalars) appendScalars(run.scalars, reading.scalars);
  const calibration = reading.calibration;
  if (!calibration) return;
  run.calibration = calibration;
  // A batch's calibration is that of its last epoch (the worker sends the latest one).
  const epoch = run.epochs[run.epochs.length - 1]?.epoch;
  if (epoch === undefined) return;
  const last = run.eceByEpoch[run.eceByEpoch.length - 1];
  if (last && last.epoch >= epoch) run.eceByEpoch[run.eceByEpoch.length - 1] = eceReadingOf(epoch, calibration);
  else run.eceByEpoch.push(eceReadingOf(epoch, calibration));
}

/** An escalated flag replaces the earlier one of its kind (same kind and onset = same finding); returns its index then. */
function foldFlag(run: RunRecord, flag: Flag): number | undefined {
  const i = run.flags.findIndex((f) => f.kind === flag.kind);
  if (i >= 0) run.flags[i] = flag;
  else run.flags.push(flag);
  return i >= 0 ? i : undefined;
}

/** How a run's end shows in its record. */
export interface RunEnded {
  readonly state: RunState;
  readonly reason?: StopReason;
  readonly diagnostics?: DiagnosticsReport | null;
  readonly error?: string;
  readonly endedAt?: number;
}

export function endedFrom(end: RunEnd): RunEnded {
  if (end.state === 'failed') return { state: 'failed', error: end.failure.message, ...(end.diagnostics ? { diagnostics: end.diagnostics } : {}), ...(end.endedAt !== undefined ? { endedAt: end.endedAt } : {}) };
  return { state: end.state, reason: end.reason, diagnostics: end.diagnostics, ...(end.note ? { error: end.note } : {}), ...(end.endedAt !== undefined ? { endedAt: end.endedAt } : {}) };
}

function foldEnd(run: RunRecord, end: RunEnded): void {
  run.followed = false;
  run.state = end.state;
  run.reason = end.reason;
  run.error = end.error;
  run.endedAt = end.endedAt ?? Date.now();
  if (end.diagnostics) {
    run.diagnostics = end.diagnostics;
    run.flags = [...end.diagnostics.flags];
    if (end.diagnostics.calibration) run.calibration = end.diagnostics.calibration;
    // The session saw every epoch's calibration; a batch carries only its last one.
    if (end.diagnostics.eceByEpoch?.length) run.eceByEpoch = [...end.diagnostics.eceByEpoch];
  }
}

/**
 * The one fold from a source's readings to a run record (the store adds notifications). Returns, for
 * a flag that escalated an earlier one of its kind, that flag's index.
 */
export function applyReading(run: RunRecord, reading: RunReading): number | undefined {
  switch (reading.type) {
    case 'run/didStart':
      foldStart(run, reading);
      return undefined;
    case 'run/didProgress':
      foldProgress(run, reading);
      return undefined;
    case 'run/didFlag':
      return foldFlag(run, reading.flag);
    case 'run/didEnd':
      foldEnd(run, endedFrom(reading.end));
      return undefined;
    default: {
      const unknown: never = reading;
      throw new Error(`unknown reading ${JSON.stringify(unknown)}`);
    }
  }
}

export class RunStore extends Disposable {
  private readonly runs = new Map<string, RunRecord>();

  private readonly changeEmitter = this._register(new Emitter<RunRecord | undefined>());
  private readonly progressEmitter = this._register(new Emitter<RunProgress>());
  private readonly flagEmitter = this._register(new Emitter<{ run: RunRecord; flag: Flag; replacedIndex?: number }>());
  private readonly stateEmitter = this._register(new Emitter<RunRecord>());

  /** A run was added, removed or changed in a way lists show (undefined: many at once). */
  readonly onDidChange = this.changeEmitter.event;
  /** New readings of a live run. */
  readonly onDidProgress = this.progressEmitter.event;
  /** A flag was raised on a run (`replacedIndex`: it escalated the flag at that position). */
  readonly onDidFlag = this.flagEmitter.event;
  /** A run changed state (finished, stopped, failed). */
  readonly onDidChangeState = this.stateEmitter.event;

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Newest first. */
  list(): RunRecord[] {
    return [...this.runs.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  live(): RunRecord[] {
    return this.list().filter((r) => r.state === 'running');
  }

  /** Adds or replaces (a live run is never replaced by its own folder being read back). */
  add(run: RunRecord): void {
    const existing = this.runs.get(run.id);
    if (existing?.origin === 'live' && run.origin !== 'live') return;
    this.runs.set(run.id, run);
    this.changeEmitter.fire(run);
  }

  /**
   * Adds the run and folds its source's readings into it as they come; the run is `followed` until
   * its source ends. `whenStarted`: the run is added with its first reading (its name and classes
   * known), not before. `onReading` sees each reading once it is folded in.
   */
  follow(run: RunRecord, source: Pick<RunSource, 'start'>, options: { readonly whenStarted?: boolean; readonly onReading?: (reading: RunReading) => void } = {}): void {
    run.followed = true;
    let added = !options.whenStarted;
    if (added) this.add(run);
    source.start((reading) => {
      if (added) this.apply(run, reading);
      else {
        applyReading(run, reading);
        added = true;
        this.add(run);
      }
      options.onReading?.(reading);
    });
  }

  /** Takes a run out (a folder that turned out not to be a run). */
  remove(id: string): void {
    if (this.runs.delete(id)) this.changeEmitter.fire(undefined);
  }

  /** One reading of a run: folded into its record, then announced. */
  apply(run: RunRecord, reading: RunReading): void {
    const replacedIndex = applyReading(run, reading);
    if (reading.type === 'run/didProgress') {
      const { steps, epochs, calibration, revised, scalars } = reading;
      this.progressEmitter.fire({ run, steps, epochs, ...(calibration ? { calibration } : {}), ...(revised?.length ? { revised } : {}), ...(scalars?.length ? { scalars } : {}) });
      return;
    }
    if (reading.type === 'run/didFlag') this.flagEmitter.fire({ run, flag: reading.flag, ...(replacedIndex !== undefined ? { replacedIndex } : {}) });
    if (reading.type === 'run/didEnd') this.stateEmitter.fire(run);
    this.changeEmitter.fire(run);
  }

  /** Replaces every run read from the runs folders with these, keeping live runs, opened logs and followed runs. */
  replaceStored(runs: readonly RunRecord[]): void {
    for (const [id, run] of this.runs) if (run.origin === 'folder' && !run.followed) this.runs.delete(id);
    for (const run of runs) if (!this.runs.has(run.id)) this.runs.set(run.id, run);
    this.changeEmitter.fire(undefined);
  }

  progress(run: RunRecord, steps: readonly StepStats[], epochs: readonly EpochMetrics[], calibration?: Calibration): void {
    this.apply(run, { type: 'run/didProgress', steps, epochs, ...(calibration ? { calibration } : {}) });
  }

  flag(run: RunRecord, flag: Flag): void {
    this.apply(run, { type: 'run/didFlag', flag });
  }
}

/**
 * The run as the dashboard receives it: named by its opaque id, never its folder's path (the
 * webview can name nothing else back). The config is shown as the user wrote it, for the diff.
 */
export function toSnapshot(run: RunRecord): RunSnapshot {
  return {
    id: run.id,
    name: run.name,
    state: run.state,
    ...(run.reason ? { reason: run.reason } : {}),
    startedAt: run.startedAt,
    classes: run.classes,
    epochsPlanned: run.epochsPlanned,
    stepsPerEpoch: run.stepsPerEpoch,
    epochs: run.epochs,
    steps: run.steps,
    flags: run.flags,
    calibration: run.calibration,
    ...(run.error ? { error: run.error } : {}),
    configurable: isConfigurable(run),
    ...(run.config ? { config: run.config } : {}),
    ...(run.eceByEpoch.length ? { eceByEpoch: run.eceByEpoch } : {}),
    ...(run.scalars.length ? { scalars: run.scalars } : {}),
  };
}

/**
 * Whether a run's fixes can edit a config and train again: a Loss Lens run (trained here or read
 * from its run folder, whose config.json names it). Another trainer's log has no config to edit:
 * its fixes are advice.
 */
export function isConfigurable(run: Pick<RunRecord, 'origin'>): boolean {
  return run.origin !== 'log';
}
