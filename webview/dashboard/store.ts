/**
 * What the dashboard knows about its runs, updated from host messages. Per-step readings are kept in
 * growable typed columns (one per quantity, plus the three x positions) so that 100,000 steps cost a
 * few megabytes and appending a batch touches only the new tail.
 */
import type { EpochMetrics, StepStats } from '../../src/engine/events';
import type { Calibration, Flag } from '../../src/diagnostics/types';
import type { RunSnapshot, RunState } from '../../src/protocol/webview';
import { toNumber } from './format';

/** A growable Float64Array. */
export class Column {
  data = new Float64Array(256);
  length = 0;
  /** Indices of NaN/Inf readings, so markers need no scan of the whole column. */
  readonly nonFinite: number[] = [];
  push(value: number): void {
    if (!Number.isFinite(value)) this.nonFinite.push(this.length);
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

export type XAxisMode = 'epoch' | 'step' | 'time';

/** Per-step readings as columns. x positions: `step`, fractional `epoch` (epoch - 1 + (batch + 1) / stepsPerEpoch), `time` (s of training). */
export class StepColumns {
  readonly step = new Column();
  readonly epochPosition = new Column();
  readonly time = new Column();
  readonly loss = new Column();
  readonly gradNorm = new Column();
  readonly learningRate = new Column();
  /** Last global step seen in each epoch (index = epoch). */
  readonly lastStepOfEpoch: number[] = [];
  private elapsedMs = 0;

  constructor(private readonly stepsPerEpoch: number) {}

  get length(): number {
    return this.step.length;
  }

  push(s: StepStats): void {
    const perEpoch = this.stepsPerEpoch > 0 ? this.stepsPerEpoch : 1;
    this.elapsedMs += Number.isFinite(s.timeMs) ? s.timeMs : 0;
    this.step.push(s.step);
    this.epochPosition.push(s.epoch - 1 + (s.batch + 1) / perEpoch);
    this.time.push(this.elapsedMs / 1000);
    this.loss.push(toNumber(s.loss));
    this.gradNorm.push(toNumber(s.gradNorm));
    this.learningRate.push(toNumber(s.learningRate));
    this.lastStepOfEpoch[s.epoch] = Math.max(this.lastStepOfEpoch[s.epoch] ?? 0, s.step);
  }

  x(mode: XAxisMode): Column {
    return mode === 'step' ? this.step : mode === 'epoch' ? this.epochPosition : this.time;
  }
}

export interface RunModel {
  readonly id: string;
  name: string;
  state: RunState;
  reason: RunSnapshot['reason'];
  error: string | undefined;
  readonly startedAt: number;
  readonly classes: readonly string[];
  readonly epochsPlanned: number;
  readonly stepsPerEpoch: number;
  readonly epochs: EpochMetrics[];
  /** Cumulative training seconds at the end of each epoch, parallel to `epochs`. */
  readonly epochTime: number[];
  readonly steps: StepColumns;
  readonly flags: Flag[];
  calibration: Calibration | null;
  /** Bumped on every change to this run except new per-step readings (see `steps.length`). */
  revision: number;
}

function newRun(s: RunSnapshot): RunModel {
  const run: RunModel = {
    id: s.id,
    name: s.name,
    state: s.state,
    reason: s.reason,
    error: s.error,
    startedAt: s.startedAt,
    classes: s.classes,
    epochsPlanned: s.epochsPlanned,
    stepsPerEpoch: s.stepsPerEpoch,
    epochs: [],
    epochTime: [],
    steps: new StepColumns(s.stepsPerEpoch),
    flags: [...s.flags],
    calibration: s.calibration,
    revision: 0,
  };
  appendReadings(run, s.steps, s.epochs);
  return run;
}

function appendReadings(run: RunModel, steps: readonly StepStats[], epochs: readonly EpochMetrics[]): void {
  for (const s of steps) run.steps.push(s);
  for (const e of epochs) {
    const last = run.epochs[run.epochs.length - 1];
    // A re-sent epoch (the host may repeat the latest one) replaces rather than duplicates.
    if (last && e.epoch <= last.epoch) {
      const at = run.epochs.findIndex((p) => p.epoch === e.epoch);
      if (at >= 0) run.epochs[at] = e;
      continue;
    }
    const previous = run.epochTime[run.epochTime.length - 1] ?? 0;
    run.epochs.push(e);
    run.epochTime.push(previous + (Number.isFinite(e.timeMs) ? e.timeMs : 0) / 1000);
  }
}

/** x position of the END of an epoch in the given axis mode. */
export function epochX(run: RunModel, epoch: number, mode: XAxisMode): number {
  if (mode === 'epoch') return epoch;
  if (mode === 'step') return run.steps.lastStepOfEpoch[epoch] ?? epoch * Math.max(run.stepsPerEpoch, 1);
  const at = run.epochs.findIndex((e) => e.epoch === epoch);
  if (at >= 0) return run.epochTime[at]!;
  return run.epochTime[run.epochTime.length - 1] ?? 0;
}

/** The epoch with the lowest finite validation loss, or undefined. */
export function bestEpoch(run: RunModel): number | undefined {
  let best: EpochMetrics | undefined;
  for (const e of run.epochs) {
    const v = toNumber(e.valLoss);
    if (Number.isFinite(v) && (!best || v < toNumber(best.valLoss))) best = e;
  }
  return best?.epoch;
}

export class RunStore {
  /** Runs in display order; the first is the primary one. */
  runs: RunModel[] = [];
  compare = false;
  /** Bumped on every change, so views can skip work when nothing changed. */
  version = 0;

  load(snapshots: readonly RunSnapshot[], compare: boolean): void {
    this.runs = snapshots.map(newRun);
    this.compare = compare && snapshots.length > 1;
    this.version++;
  }

  get(runId: string): RunModel | undefined {
    return this.runs.find((r) => r.id === runId);
  }

  progress(runId: string, steps: readonly StepStats[], epochs: readonly EpochMetrics[], calibration: Calibration | undefined): boolean {
    const run = this.get(runId);
    if (!run) return false;
    appendReadings(run, steps, epochs);
    if (calibration) run.calibration = calibration;
    // Per-step readings alone do not bump the revision: views key those on the step count.
    if (epochs.length || calibration) run.revision++;
    this.version++;
    return true;
  }

  /** A raised flag is appended; with `index`, it replaces (escalates) the flag at that position. */
  flag(runId: string, flag: Flag, index?: number): boolean {
    const run = this.get(runId);
    if (!run) return false;
    if (index !== undefined && index >= 0 && index < run.flags.length) run.flags[index] = flag;
    else run.flags.push(flag);
    run.revision++;
    this.version++;
    return true;
  }

  changeState(runId: string, state: RunState, reason: RunSnapshot['reason'], error: string | undefined): boolean {
    const run = this.get(runId);
    if (!run) return false;
    run.state = state;
    run.reason = reason;
    run.error = error;
    run.revision++;
    this.version++;
    return true;
  }

  /** Snapshots for `setState`: epochs, flags and calibration; per-step readings are left to the host to re-send. */
  snapshots(): RunSnapshot[] {
    return this.runs.map((r) => ({
      id: r.id,
      name: r.name,
      state: r.state,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.error ? { error: r.error } : {}),
      startedAt: r.startedAt,
      classes: r.classes,
      epochsPlanned: r.epochsPlanned,
      stepsPerEpoch: r.stepsPerEpoch,
      epochs: r.epochs,
      steps: [],
      flags: r.flags,
      calibration: r.calibration,
    }));
  }
}
