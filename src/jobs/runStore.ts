/**
 * Every run the extension knows about, live or read back from a run folder, keyed by an opaque id
 * (a hash of the folder path: stable across reloads, so a restored dashboard can ask for the same
 * runs, and never a path the webview could abuse). Free of `vscode`.
 */
import { createHash } from 'node:crypto';
import { Disposable, Emitter } from '../dispose';
import type { Calibration, DiagnosticsReport, EpochMetrics, Flag, RunState, StepStats, StopReason } from '../model';
import type { RunSnapshot } from '../protocol/webview';

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
  diagnostics: DiagnosticsReport | null;
  error: string | undefined;
  /** Where it came from: trained in this window, a run folder on disk, or another trainer's log. */
  readonly origin: 'live' | 'folder' | 'log';
}

export interface RunProgress {
  readonly run: RunRecord;
  readonly steps: readonly StepStats[];
  readonly epochs: readonly EpochMetrics[];
  readonly calibration?: Calibration;
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
    diagnostics: null,
    error: undefined,
    ...init,
  };
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

  /** Replaces every run read from the runs folders with these, keeping live runs and opened logs. */
  replaceStored(runs: readonly RunRecord[]): void {
    for (const [id, run] of this.runs) if (run.origin === 'folder') this.runs.delete(id);
    for (const run of runs) if (!this.runs.has(run.id)) this.runs.set(run.id, run);
    this.changeEmitter.fire(undefined);
  }

  started(run: RunRecord, info: { classes: readonly string[]; epochs: number; stepsPerEpoch: number }): void {
    run.classes = info.classes;
    run.epochsPlanned = info.epochs;
    run.stepsPerEpoch = info.stepsPerEpoch;
    this.changeEmitter.fire(run);
  }

  progress(run: RunRecord, steps: readonly StepStats[], epochs: readonly EpochMetrics[], calibration?: Calibration): void {
    run.epochs.push(...epochs);
    run.steps.push(...steps);
    if (run.steps.length > MAX_STEPS_KEPT) run.steps.splice(0, run.steps.length - MAX_STEPS_KEPT);
    if (calibration) run.calibration = calibration;
    this.progressEmitter.fire({ run, steps, epochs, ...(calibration ? { calibration } : {}) });
  }

  flag(run: RunRecord, flag: Flag): void {
    // An escalated flag replaces the earlier one of its kind (same kind and onset = same finding).
    const i = run.flags.findIndex((f) => f.kind === flag.kind);
    if (i >= 0) run.flags[i] = flag;
    else run.flags.push(flag);
    this.flagEmitter.fire({ run, flag, ...(i >= 0 ? { replacedIndex: i } : {}) });
    this.changeEmitter.fire(run);
  }

  ended(run: RunRecord, end: { state: RunState; reason?: StopReason; diagnostics?: DiagnosticsReport | null; error?: string }): void {
    run.state = end.state;
    run.reason = end.reason;
    run.error = end.error;
    run.endedAt = Date.now();
    if (end.diagnostics) {
      run.diagnostics = end.diagnostics;
      run.flags = [...end.diagnostics.flags];
      if (end.diagnostics.calibration) run.calibration = end.diagnostics.calibration;
    }
    this.stateEmitter.fire(run);
    this.changeEmitter.fire(run);
  }
}

/** The run as the dashboard receives it (contract: ids only, never paths). */
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
  };
}
