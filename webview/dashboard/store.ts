/**
 * What the dashboard knows about its runs, updated from host messages. Per-step readings are kept in
 * growable typed columns (one per quantity, plus the three x positions) so that 100,000 steps cost a
 * few megabytes and appending a batch touches only the new tail.
 */
import { eceReadingOf, type CalibrationReading, type EceReading, type EpochMetrics, type Flag, type RunSnapshot, type RunState, type ScalarSeries, type StepStats } from '../../src/protocol/webview';
import { toNumber } from './format';

/** A growable Float64Array. */
export class Column {
  data = new Float64Array(256);
  length = 0;
  /** Indices of NaN/Inf readings, so markers need no scan of the whole column. */
  readonly nonFinite: number[] = [];
  /** How many readings are finite: 0 means the quantity was not recorded per step (a log read back from disk). */
  finiteCount = 0;
  /** Smallest and largest finite reading, kept as readings arrive (a constant series is min === max). */
  min = Infinity;
  max = -Infinity;
  push(value: number): void {
    if (!Number.isFinite(value)) this.nonFinite.push(this.length);
    else {
      this.finiteCount++;
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
    }
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/** `fraction`: the fraction of the run done (epoch / the run's length), to overlay runs of different lengths. */
/** `time`: compute seconds (the training steps' own durations); `wall`: wall-clock seconds since the run started. */
export type XAxisMode = 'epoch' | 'step' | 'time' | 'wall' | 'fraction';

/** Per-layer step readings a live run carries (one column per dense/hidden layer, made when first seen). */
export type LayerField = 'layerGradNorm' | 'deadFraction';

/** Per-step readings as columns. x positions: `step`, fractional `epoch` (epoch - 1 + (batch + 1) / stepsPerEpoch), `time` (s of training). */
export class StepColumns {
  readonly step = new Column();
  readonly epochPosition = new Column();
  readonly time = new Column();
  readonly loss = new Column();
  readonly gradNorm = new Column();
  readonly learningRate = new Column();
  /** Per layer: the gradient norm of each dense layer and the dead fraction of each hidden layer. */
  readonly layerGradNorm: Column[] = [];
  readonly deadFraction: Column[] = [];
  /** Last global step seen in each epoch (index = epoch). */
  readonly lastStepOfEpoch: number[] = [];
  /** Whether any step carried its duration (runs read back from metrics.jsonl do not). */
  hasTime = false;
  private elapsedMs = 0;
  private currentEpoch = -1;
  private indexInEpoch = 0;

  /**
   * `stepsPerEpoch` places a step at fractional epoch (epoch - 1 + (batch + 1) / stepsPerEpoch).
   * With `trustBatch` false (steps read back from disk carry no batch index) the position within
   * the epoch is counted here instead.
   */
  constructor(
    private readonly stepsPerEpoch: number,
    private readonly trustBatch: boolean,
  ) {}

  get length(): number {
    return this.step.length;
  }

  push(s: StepStats): void {
    const perEpoch = this.stepsPerEpoch > 0 ? this.stepsPerEpoch : 1;
    if (s.epoch !== this.currentEpoch) {
      this.currentEpoch = s.epoch;
      this.indexInEpoch = 0;
    }
    const batch = this.trustBatch ? s.batch : this.indexInEpoch;
    this.indexInEpoch++;
    const timeMs = toNumber(s.timeMs);
    if (Number.isFinite(timeMs)) {
      this.hasTime = true;
      this.elapsedMs += timeMs;
    }
    this.step.push(s.step);
    this.epochPosition.push(s.epoch - 1 + Math.min(batch + 1, perEpoch) / perEpoch);
    this.time.push(this.elapsedMs / 1000);
    this.loss.push(toNumber(s.loss));
    this.gradNorm.push(toNumber(s.gradNorm));
    this.learningRate.push(toNumber(s.learningRate));
    pushLayers(this.layerGradNorm, s.layerGradNorms, this.step.length - 1);
    pushLayers(this.deadFraction, s.deadFractions, this.step.length - 1);
    this.lastStepOfEpoch[s.epoch] = Math.max(this.lastStepOfEpoch[s.epoch] ?? 0, s.step);
  }

  /** The x column of an axis mode; `fraction` is derived from the epoch position by the caller. */
  x(mode: Exclude<XAxisMode, 'fraction'>): Column {
    return mode === 'step' ? this.step : mode === 'epoch' ? this.epochPosition : this.time;
  }
}

/**
 * Appends one step's per-layer readings; a layer first seen late (or missing in a step) is padded
 * with NaN so every column stays aligned with the step column.
 */
function pushLayers(columns: Column[], values: readonly number[] | undefined, index: number): void {
  const n = values?.length ?? 0;
  for (let k = columns.length; k < n; k++) {
    const c = new Column();
    for (let i = 0; i < index; i++) c.push(Number.NaN);
    columns.push(c);
  }
  columns.forEach((c, k) => c.push(k < n ? toNumber(values![k]) : Number.NaN));
}

/** A logged scalar (the run model's ScalarSeries) as columns: x in its own axis (steps or epochs), y its value. */
export interface ScalarColumns {
  readonly name: string;
  readonly axis: ScalarSeries['axis'];
  readonly x: Column;
  readonly value: Column;
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
  /** Whether the epochs carry durations (a foreign log may not): without them there is no time axis. */
  hasEpochTime: boolean;
  /** Wall-clock seconds since the run started at the end of each epoch, parallel to `epochs` (when recorded). */
  readonly epochWall: number[];
  hasEpochWall: boolean;
  readonly steps: StepColumns;
  readonly flags: Flag[];
  calibration: CalibrationReading | null;
  /** The ECE of each epoch (from the snapshot, then one per calibration a live run sends). */
  readonly eceHistory: EceReading[];
  readonly config: unknown;
  /** A Loss Lens run whose fixes edit its config; false for another trainer's log (fixes are advice). */
  readonly configurable: boolean;
  readonly scalars: ScalarColumns[];
  /** Bumped on every change to this run except new per-step readings (see `steps.length`). */
  revision: number;
}

/**
 * Steps per epoch when the host does not know it (runs read back from disk): the most steps any
 * epoch has. Every epoch of a run has the same number of batches (the last partial one is kept).
 */
function inferStepsPerEpoch(steps: readonly StepStats[]): number {
  const counts = new Map<number, number>();
  for (const s of steps) counts.set(s.epoch, (counts.get(s.epoch) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

function newRun(s: RunSnapshot): RunModel {
  const stepsPerEpoch = s.stepsPerEpoch > 0 ? s.stepsPerEpoch : inferStepsPerEpoch(s.steps);
  const run: RunModel = {
    id: s.id,
    name: s.name,
    state: s.state,
    reason: s.reason,
    error: s.error,
    startedAt: s.startedAt,
    classes: s.classes,
    epochsPlanned: s.epochsPlanned,
    stepsPerEpoch,
    epochs: [],
    epochTime: [],
    hasEpochTime: false,
    epochWall: [],
    hasEpochWall: false,
    steps: new StepColumns(stepsPerEpoch, s.stepsPerEpoch > 0),
    flags: [...s.flags],
    calibration: s.calibration,
    eceHistory: [...(s.eceByEpoch ?? [])],
    config: s.config,
    configurable: s.configurable !== false,
    scalars: [],
    revision: 0,
  };
  appendScalars(run.scalars, s.scalars ?? []);
  appendReadings(run, s.steps, s.epochs);
  return run;
}

/** Appends each series' points to the columns of the same name and axis (made when first seen). */
function appendScalars(into: ScalarColumns[], series: readonly ScalarSeries[]): void {
  for (const s of series) {
    let c = into.find((k) => k.name === s.name && k.axis === s.axis);
    if (!c) into.push((c = { name: s.name, axis: s.axis, x: new Column(), value: new Column() }));
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      c.x.push(s.x[i]!);
      c.value.push(toNumber(s.y[i]));
    }
  }
}

/** Records a calibration's ECE against the epoch it belongs to (a re-sent epoch replaces its reading). */
function recordEce(run: RunModel, epoch: number, c: CalibrationReading): void {
  const reading: EceReading = eceReadingOf(epoch, c);
  const last = run.eceHistory[run.eceHistory.length - 1];
  if (last && last.epoch >= epoch) {
    const at = run.eceHistory.findIndex((r) => r.epoch === epoch);
    if (at >= 0) run.eceHistory[at] = reading;
    return;
  }
  run.eceHistory.push(reading);
}

/** How many epochs the run spans, for the `fraction` axis: the planned length while it trains, the last epoch once it ended. */
export function runLength(run: RunModel): number {
  const last = run.epochs[run.epochs.length - 1]?.epoch ?? 0;
  const stepped = run.stepsPerEpoch > 0 ? Math.ceil(run.steps.length / run.stepsPerEpoch) : 0;
  const done = Math.max(last, stepped);
  return Math.max(1, run.state === 'running' ? Math.max(run.epochsPlanned, done) : done);
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
    const timeMs = toNumber(e.timeMs);
    if (Number.isFinite(timeMs)) run.hasEpochTime = true;
    run.epochs.push(e);
    run.epochTime.push(previous + (Number.isFinite(timeMs) ? timeMs : 0) / 1000);
    const wallMs = toNumber(e.wallMs);
    if (Number.isFinite(wallMs)) run.hasEpochWall = true;
    run.epochWall.push(Number.isFinite(wallMs) ? wallMs / 1000 : (run.epochWall[run.epochWall.length - 1] ?? 0));
  }
}

/** x position of the END of an epoch in the given axis mode. */
export function epochX(run: RunModel, epoch: number, mode: XAxisMode): number {
  if (mode === 'epoch') return epoch;
  if (mode === 'fraction') return epoch / runLength(run);
  if (mode === 'step') return run.steps.lastStepOfEpoch[epoch] ?? epoch * Math.max(run.stepsPerEpoch, 1);
  const times = mode === 'wall' ? run.epochWall : run.epochTime;
  const at = run.epochs.findIndex((e) => e.epoch === epoch);
  if (at >= 0) return times[at]!;
  return times[times.length - 1] ?? 0;
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
  /** Bumped when the runs are replaced (`runs/didLoad`). */
  loads = 0;

  load(snapshots: readonly RunSnapshot[], compare: boolean): void {
    this.loads++;
    this.runs = snapshots.map(newRun);
    this.compare = compare && snapshots.length > 1;
    this.version++;
  }

  get(runId: string): RunModel | undefined {
    return this.runs.find((r) => r.id === runId);
  }

  progress(runId: string, steps: readonly StepStats[], epochs: readonly EpochMetrics[], calibration: CalibrationReading | undefined, scalars: readonly ScalarSeries[] = []): boolean {
    const run = this.get(runId);
    if (!run) return false;
    appendReadings(run, steps, epochs);
    appendScalars(run.scalars, scalars);
    if (calibration) {
      run.calibration = calibration;
      const epoch = run.epochs[run.epochs.length - 1]?.epoch;
      if (epoch !== undefined) recordEce(run, epoch, calibration);
    }
    // Per-step readings alone do not bump the revision: views key those on the step count.
    if (epochs.length || calibration || scalars.length) run.revision++;
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

  /** A run ended: its state, and its final flags, calibration and ECE trend (the end may refine them). */
  changeState(runId: string, state: RunState, reason: RunSnapshot['reason'], error: string | undefined, flags: readonly Flag[], calibration: CalibrationReading | null, eceByEpoch?: readonly EceReading[]): boolean {
    const run = this.get(runId);
    if (!run) return false;
    if (eceByEpoch?.length) run.eceHistory.splice(0, run.eceHistory.length, ...eceByEpoch);
    run.state = state;
    run.reason = reason;
    run.error = error;
    run.flags.splice(0, run.flags.length, ...flags);
    if (calibration) run.calibration = calibration;
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
      eceByEpoch: r.eceHistory,
      ...(r.config !== undefined ? { config: r.config } : {}),
      configurable: r.configurable,
    }));
  }
}
