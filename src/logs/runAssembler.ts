/**
 * Turns the named points of one run's log (a scalar at a step, a CSV cell, a log_history value),
 * fed in the order they were written, into the run model's readings: epoch records, step records,
 * named scalars and segments. Every format reader decodes its bytes into points and hands them here,
 * so epochs, steps, restarts and metric names mean the same whatever wrote the log.
 *
 * Two layouts (the reader says which; TensorBoard's tags tell, see settleLayout):
 * - marks: every value is at a global step and the log says which epoch each step ran in
 *   (Lightning's `epoch` column/scalar, from 0; Hugging Face's fractional `epoch`, 1.25 = a quarter
 *   into epoch 2). A value whose step has no mark yet waits for the next mark (Lightning's
 *   LearningRateMonitor logs `lr-Adam` at an epoch's first step before anything else of it). A
 *   training series logged twice in one epoch is per step. An epoch is final when a value of a
 *   later epoch arrives, or at the end.
 * - axis: values named per epoch are at the epoch number (from 0 or from 1: Keras's `epoch_*` and
 *   CSVLogger rows from 0; else from 0 when the first one is at 0); values named per step are at a
 *   global step and belong to the first epoch written after them (or to step / steps-per-epoch when
 *   Keras's `evaluation_*_vs_iterations` gives it). A training series whose name does not say
 *   (PyTorch's `Loss/train`) is per step when it has more than twice the points, reaching more than
 *   twice as far, as a per-epoch series; per epoch once that is ruled out (held until then). An
 *   epoch is final once it has every per-epoch series the segment's earlier epochs had, or when a
 *   later epoch arrives (the first epoch of a segment waits for that), or at the end.
 * A series (or the marks) whose step goes back restarts the numbering: the segment so far is
 * finished, and a new one is numbered on from it (logUpdate.ts LogSegment).
 */
import type { EpochMetrics } from '../model';
import { epochMetrics } from './trainingLog';
import { LOG_METRICS, metricRole, type Granularity, type LogMetric, type MetricOverrides, type MetricRole } from './metricNames';
import { UpdateBuilder, type LogUpdate } from './logUpdate';

export type MarksKind = 'lightning' | 'huggingface' | 'rows';
export type Layout =
  /** TensorBoard: an `epoch` scalar means Lightning, `train/epoch` Hugging Face, else axis. */
  | { readonly kind: 'detect' }
  | { readonly kind: 'axis'; readonly epochBase?: 0 | 1; readonly rowIsEpoch?: boolean }
  | { readonly kind: 'marks'; readonly marks: MarksKind; readonly epochBase?: 0 | 1; readonly stepBase?: 0 | 1 };

export interface AssemblerOptions {
  readonly layout: Layout;
  readonly overrides?: MetricOverrides;
  /** The log to name in notes (its file, or the run's folder). */
  readonly label: string;
  /** A restart of the numbering continues the same training (Keras CSVLogger(append=True) over a second fit()). */
  readonly restartsContinue?: boolean;
}

/** Hugging Face's end-of-training summary: kept as scalars, never as a metric; `train_runtime` ends the run. */
const HF_SUMMARY = /(^|\/)(train_loss|train_runtime|train_samples_per_second|train_steps_per_second|total_flos)$/;
const HF_END = /(^|\/)train_runtime$/;
const MARK_NAMES = new Set(['epoch', 'train/epoch']);
/** Where users name series the mapping does not know (metricsSidecar.ts SIDECAR_NAME). */
const SIDECAR = 'losslens.metrics.json';
/** Keras's evaluation_<metric>_vs_iterations: the optimizer's iteration count at each evaluation. */
const ITERATIONS = /_vs_iterations$/;
/** Layout detection settles on `axis` after this many points or distinct steps without an epoch scalar. */
const DETECT_POINTS = 512;
const DETECT_STEPS = 4;
/** Epochs back that a late value can still revise (older accumulators are dropped). */
const REVISABLE_EPOCHS = 64;
/** A held series is ruled out as per-step once the per-epoch series it is compared with has this many points. */
const RULE_OUT_POINTS = 3;

interface Series {
  readonly name: string;
  readonly role: MetricRole | undefined;
  /** undefined: not decided yet (axis layout: held; marks layout: per epoch until seen twice in one). */
  gran: Granularity | undefined;
  /** Keras's evaluation_*_vs_iterations (see iterationCount). */
  readonly iterations: boolean;
  lastStep: number;
  count: number;
  maxStep: number;
  held: RawPoint[] | undefined;
  /** Marks layout: the epoch of its last point, how many it had there, and that point. */
  epochOfLast: number;
  inEpoch: number;
  prevStep: number;
  prevValue: number;
  /** Hugging Face's train_runtime: its arrival is the end marker. */
  readonly ends: boolean;
  /** The epoch aggregate this series last added to, and its entry there (saves a Map lookup per point). */
  aggOf: Acc | undefined;
  agg: { sum: number; n: number; last: number } | undefined;
  /** Its points in the update being built, and that update's generation (see UpdateBuilder.bucket). */
  bucket: { x: number[]; y: number[] } | undefined;
  bucketAxis: 'step' | 'epoch' | undefined;
  bucketGeneration: number | undefined;
}

interface RawPoint {
  readonly step: number;
  readonly value: number;
  readonly order: number;
}
interface SeriesPoint extends RawPoint {
  readonly series: Series;
}

interface Acc {
  readonly epoch: number;
  /** Per-epoch series: the last value. */
  readonly last: Map<Series, number>;
  /** Per-step (and undecided) series: sum, count and last value in the epoch. */
  readonly agg: Map<Series, { sum: number; n: number; last: number }>;
  emitted: boolean;
}

interface PendingStep {
  readonly step: number;
  readonly epoch: number;
  loss?: number;
  grad?: number;
}

interface Segment {
  readonly index: number;
  epochOffset: number | undefined;
  stepOffset: number | undefined;
  firstLoggedStep: number | undefined;
  zeroBased: boolean | undefined;
  /** Marks layout: runs of one epoch, from (s0, o0) to (s1, o1) in step and writing order. */
  readonly marks: { s0: number; o0: number; s1: number; o1: number; epoch: number }[];
  unmarked: SeriesPoint[];
  /** Axis layout: per-step points waiting for the epoch written after them. */
  waitingSteps: SeriesPoint[];
  /** Axis layout: per epoch written, the order of its last per-epoch point (for "the first epoch written after"). */
  readonly epochEnds: { epoch: number; order: number }[];
  /** Axis layout: epochs written so far are 1, 2, 3, ... (a step after epoch e is in e + 1). */
  consecutive: boolean;
  /** Axis layout: Keras's iteration counts and the validation epochs they pair with (the k-th with the k-th). */
  readonly iterations: number[];
  readonly valEpochs: number[];
  paired: number;
  stepsPerEpoch: number | undefined | null;
  /** Axis layout: the last step seen when each epoch (1, 2, ...) was written, and the steps per epoch they show. */
  maxStepSeen: number;
  readonly stepEnds: number[];
  inferredPerEpoch: number | undefined;
  readonly accs: Map<number, Acc>;
  lastAcc?: Acc;
  maxEpoch: number;
  nextEpoch: number | undefined;
  /** The per-epoch series the emitted epochs had: an epoch with all of them is complete. */
  readonly expected: Set<Series>;
  pendingSteps: PendingStep[];
}

function newSegment(index: number): Segment {
  return {
    index,
    epochOffset: undefined,
    stepOffset: undefined,
    firstLoggedStep: undefined,
    zeroBased: undefined,
    marks: [],
    unmarked: [],
    waitingSteps: [],
    epochEnds: [],
    consecutive: true,
    iterations: [],
    valEpochs: [],
    paired: 0,
    stepsPerEpoch: undefined,
    maxStepSeen: -Infinity,
    stepEnds: [],
    inferredPerEpoch: undefined,
    accs: new Map(),
    maxEpoch: -Infinity,
    nextEpoch: undefined,
    expected: new Set(),
    pendingSteps: [],
  };
}

export class RunAssembler {
  private readonly out = new UpdateBuilder();
  private readonly series = new Map<string, Series>();
  private layout: Layout;
  private detectBuffer: { name: string; step: number; value: number; order: number; sub: boolean }[] = [];
  private readonly detectSteps = new Set<number>();
  private seg = newSegment(0);
  /** The highest epoch and step numbers handed out so far: a new segment numbers on from them. */
  private lastEpochOut = 0;
  private lastStepOut = 0;
  private stepShift: number | undefined;
  private stepLoss: Series | undefined;
  private stepGrad: Series | undefined;
  private lossesWithoutGrad = 0;
  private hasHeld = false;
  private lastSeries: Series | undefined;
  /** A restart said once the new segment's first epoch is read (Keras's iteration count tells by then whether training went on). */
  private pendingSegment: { why: string; loggedStep: number | undefined; continued: boolean | undefined; rewound: boolean; lastIterations: number | undefined; index: number } | undefined;
  /** Replaying held points: their epochs wait until every held series is decided. */
  private deciding = false;
  private finished = false;
  private readonly noted = new Set<string>();

  constructor(private readonly options: AssemblerOptions) {
    this.layout = options.layout;
    this.settleShift();
  }

  /** Counts records read (events, lines, entries) for the update's `records`. */
  countRecords(n: number): void {
    this.out.records += n;
  }

  setWaiting(waiting: boolean): void {
    this.out.waiting = waiting;
  }

  note(text: string): void {
    this.out.note(text);
  }

  /** A note given once per key (a file that keeps failing the same way). */
  noteOnce(key: string, text: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.out.note(text);
  }

  /** The format's end marker was read. */
  end(): void {
    this.out.end();
  }

  get layoutKind(): Layout['kind'] {
    return this.layout.kind;
  }

  /**
   * A value of series `name` at the log's `step`; `order` increases in writing order (wall time,
   * line number). `sub`: the series came from a sub-folder of the run (its name starts with the
   * folder's: `validation/epoch_loss`, `Loss_val/Loss`), so it is never an epoch mark.
   */
  point(name: string, step: number, value: number, order: number, sub = false): void {
    if (this.finished || !Number.isFinite(step)) return;
    if (this.layout.kind === 'detect') {
      this.detectBuffer.push({ name, step, value, order, sub });
      this.detectSteps.add(step);
      if ((MARK_NAMES.has(name) && !sub) || this.detectBuffer.length >= DETECT_POINTS || this.detectSteps.size > DETECT_STEPS) this.settleLayout();
      return;
    }
    if (this.layout.kind === 'marks' && MARK_NAMES.has(name) && !sub) return this.mark(step, order, value);
    const s = name === this.lastSeries?.name ? this.lastSeries : (this.lastSeries = this.seriesOf(name));
    if (this.quickStep(s, step, value, order)) return;
    if (step < s.lastStep) this.restartFrom(`"${s.name}" went back from step ${s.lastStep} to ${step}`, step);
    this.seg.firstLoggedStep ??= step;
    s.lastStep = step;
    s.count++;
    if (step > s.maxStep) s.maxStep = step;
    if (this.layout.kind === 'marks') this.markedPoint(s, step, value, order);
    else this.axisPoint(s, step, value, order);
  }

  /**
   * The bulk of a big log, a per-step training loss inside the epoch it is accumulating, taken
   * without the general path's calls: exactly what point -> axisPoint -> axisStepPoint -> apply ->
   * stepValue do in that state (the guards spell the state out), in one small function that V8
   * compiles early. Anything else (a new epoch, a restart, a gradient norm, held or waiting points,
   * a restart still to be said) returns false and takes the general path.
   */
  private quickStep(s: Series, step: number, value: number, order: number): boolean {
    const seg = this.seg;
    const a = seg.lastAcc;
    if (s !== this.stepLoss || s.aggOf !== a || a === undefined || a.emitted || this.stepGrad !== undefined || this.lossesWithoutGrad < 2) return false;
    if (this.layout.kind !== 'axis' || s.gran !== 'step' || s.iterations || s.held || step < s.lastStep || this.pendingSegment) return false;
    if (seg.pendingSteps.length || seg.waitingSteps.length || seg.stepOffset === undefined || seg.epochOffset === undefined || this.stepShift === undefined) return false;
    const per = seg.stepsPerEpoch || seg.inferredPerEpoch;
    if (per) {
      if (Math.max(1, Math.ceil((step + this.stepShift) / per)) !== a.epoch) return false;
    } else {
      // Written after the last epoch's values: in the epoch after it (axisStepPoint, epochs 1, 2, 3, ...).
      const last = seg.epochEnds[seg.epochEnds.length - 1];
      if (!seg.consecutive || last === undefined || last.order >= order || last.epoch + 1 !== a.epoch) return false;
    }
    s.lastStep = step;
    s.count++;
    if (step > s.maxStep) s.maxStep = step;
    if (step > seg.maxStepSeen) seg.maxStepSeen = step;
    const g = s.agg!;
    g.sum += value;
    g.n++;
    g.last = value;
    this.emitStep(step + this.stepShift + seg.stepOffset, a.epoch + seg.epochOffset, value, undefined);
    return true;
  }

  /** The log's epoch at a step, as the log numbers it (Lightning from 0, Hugging Face fractional). */
  mark(step: number, order: number, logged: number): void {
    if (this.finished || this.layout.kind !== 'marks' || !Number.isFinite(step) || !Number.isFinite(logged)) return;
    const epoch = this.markEpoch(logged);
    const marks = this.seg.marks;
    const last = marks[marks.length - 1];
    if (last && (step < last.s1 || (epoch < last.epoch && step <= last.s1))) {
      this.restartFrom(step < last.s1 ? `the step went back from ${last.s1} to ${step}` : `the epoch went back to ${epoch} at step ${step}`, step);
      return this.mark(step, order, logged);
    }
    this.seg.firstLoggedStep ??= step;
    if (last && last.epoch === epoch) {
      last.s1 = step;
      last.o1 = order;
    } else marks.push({ s0: step, o0: order, s1: step, o1: order, epoch });
    this.resolveUnmarked(false);
  }

  /** The source was rewritten from its start (a file truncated, a CSV written anew). */
  restart(reason: string, continued: boolean | undefined): void {
    this.restartFrom(reason, undefined, continued);
  }

  /** What became known since the last take(). */
  take(): LogUpdate {
    if (this.layout.kind === 'axis' && this.layout.rowIsEpoch) this.emitReady(true);
    this.flushSteps({ completeOnly: true });
    return this.out.take();
  }

  /** The log ended (its end marker, an idle timeout, the user stopped following): everything pending becomes final. */
  finish(): LogUpdate {
    if (!this.finished) {
      if (this.layout.kind === 'detect') this.settleLayout();
      this.finishSegment();
      this.sayRestart();
      this.finished = true;
      this.noteMissing();
    }
    return this.out.take();
  }

  /** Says what the log lacks for the diagnosis, naming what would have been read. */
  private noteMissing(): void {
    const all = [...this.series.values()];
    if (!all.length) return;
    const label = this.options.label;
    if (!all.some((s) => s.role)) {
      const names = all.map((s) => s.name).slice(0, 8).join(', ');
      this.out.note(`${label}: no loss, accuracy, learning-rate or gradient-norm series among ${names}${all.length > 8 ? ', ...' : ''}: name them in ${SIDECAR}`);
    } else if (!all.some((s) => s.role?.metric === 'valLoss')) {
      this.out.note(`${label}: no validation loss (e.g. val_loss, validation/epoch_loss, Loss/val, eval_loss): overfitting and calibration cannot be judged`);
    }
  }

  // ------------------------------------------------------------------------------------ layouts

  private settleLayout(): void {
    const names = new Set(this.detectBuffer.filter((p) => !p.sub).map((p) => p.name));
    this.layout = names.has('epoch') ? { kind: 'marks', marks: 'lightning' } : names.has('train/epoch') ? { kind: 'marks', marks: 'huggingface' } : { kind: 'axis' };
    this.settleShift();
    const buffered = this.detectBuffer;
    this.detectBuffer = [];
    for (const p of buffered) this.point(p.name, p.step, p.value, p.order, p.sub);
  }

  /** Global steps become 1-based: Lightning counts from 0, Hugging Face from 1; other logs say it with their first step. */
  private settleShift(): void {
    const l = this.layout;
    if (l.kind !== 'marks') return;
    this.stepShift = l.stepBase !== undefined ? 1 - l.stepBase : l.marks === 'lightning' ? 1 : l.marks === 'huggingface' ? 0 : undefined;
  }

  private markEpoch(logged: number): number {
    const l = this.layout as Extract<Layout, { kind: 'marks' }>;
    if (l.marks === 'huggingface') return Math.max(1, Math.ceil(logged - 1e-6));
    const base = l.epochBase ?? (l.marks === 'lightning' ? 0 : undefined);
    const zero = base !== undefined ? base === 0 : (this.seg.zeroBased ??= logged === 0);
    return Math.round(logged) + (zero ? 1 : 0);
  }

  private seriesOf(name: string): Series {
    let s = this.series.get(name);
    if (s) return s;
    let role = metricRole(name, this.options.overrides);
    let gran = role?.granularity;
    const l = this.layout;
    const val = role?.metric === 'valLoss' || role?.metric === 'valAccuracy';
    if (l.kind === 'marks' && l.marks === 'huggingface') {
      if (HF_SUMMARY.test(name) && role?.rank !== -1) role = undefined;
      // Hugging Face logs training values every logging_steps, evaluations when it evaluates.
      if (role && gran === undefined) gran = val ? 'epoch' : 'step';
    } else if (l.kind === 'axis' && l.rowIsEpoch) gran = 'epoch';
    else if (role && gran === undefined && val) gran = 'epoch';
    else if (!role && l.kind === 'axis') gran = /(^|[/_])epoch(_|$)/i.test(name) ? 'epoch' : 'step';
    // Every field set here, so that all series share one object shape (the hot path reads them per point).
    s = {
      name,
      role,
      gran,
      iterations: ITERATIONS.test(name),
      ends: l.kind === 'marks' && l.marks === 'huggingface' && HF_END.test(name),
      lastStep: -Infinity,
      count: 0,
      maxStep: -Infinity,
      held: undefined,
      epochOfLast: NaN,
      inEpoch: 0,
      prevStep: NaN,
      prevValue: NaN,
      aggOf: undefined,
      agg: undefined,
      bucket: undefined,
      bucketAxis: undefined,
      bucketGeneration: undefined,
    };
    if (l.kind === 'axis' && role && gran === undefined) {
      s.held = [];
      this.hasHeld = true;
    }
    this.series.set(name, s);
    return s;
  }

  // ------------------------------------------------------------------------------- marks layout

  private markedPoint(s: Series, step: number, value: number, order: number): void {
    if (s.ends) this.out.end();
    const epoch = this.epochAtMark(step, order, false);
    if (epoch === undefined) this.seg.unmarked.push({ series: s, step, value, order });
    else this.applyMarked(s, step, value, epoch);
  }

  /** The epoch of a step from the marks; undefined while a later mark could still decide it (unless `final`). */
  private epochAtMark(step: number, order: number, final: boolean): number | undefined {
    const marks = this.seg.marks;
    if (!marks.length) return undefined;
    const last = marks[marks.length - 1]!;
    if (step > last.s1 || (step === last.s1 && order > last.o1)) return final ? last.epoch : undefined;
    let lo = 0;
    let hi = marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]!.s1 < step) lo = mid + 1;
      else hi = mid;
    }
    // Marks at this very step (an epoch's last values and the next one's first can share one): the nearest in writing order.
    let best = marks[lo]!;
    const gap = (m: typeof best): number => Math.min(Math.abs(m.o0 - order), Math.abs(m.o1 - order));
    for (let i = lo + 1; i < marks.length && marks[i]!.s0 <= step; i++) if (gap(marks[i]!) < gap(best)) best = marks[i]!;
    return best.epoch;
  }

  private resolveUnmarked(final: boolean): void {
    const queue = this.seg.unmarked;
    if (!queue.length) return;
    this.seg.unmarked = [];
    for (const p of queue) {
      const epoch = this.epochAtMark(p.step, p.order, final);
      if (epoch === undefined) this.seg.unmarked.push(p);
      else this.applyMarked(p.series, p.step, p.value, epoch);
    }
  }

  private applyMarked(s: Series, step: number, value: number, epoch: number): void {
    if (s.epochOfLast === epoch) s.inEpoch++;
    else {
      s.epochOfLast = epoch;
      s.inEpoch = 1;
    }
    if (s.role && s.gran === undefined && s.inEpoch >= 2) {
      // Logged twice in one epoch: a per-step value (Lightning's self.log("train_loss") in training_step).
      s.gran = 'step';
      this.stepValue(s, epoch, s.prevStep, s.prevValue);
    }
    s.prevStep = step;
    s.prevValue = value;
    this.finalizeBefore(epoch);
    this.apply(s, epoch, step, value);
  }

  /** Marks layout: every epoch before `epoch` is final. */
  private finalizeBefore(epoch: number): void {
    const seg = this.seg;
    while (seg.nextEpoch !== undefined && seg.nextEpoch < epoch && seg.nextEpoch <= seg.maxEpoch) this.emitEpoch(seg.nextEpoch);
  }

  // -------------------------------------------------------------------------------- axis layout

  private axisPoint(s: Series, step: number, value: number, order: number): void {
    if (s.iterations) this.iterationCount(s, step, value);
    else if (s.held) s.held.push({ step, value, order });
    else if (s.gran === 'epoch') this.axisEpochPoint(s, { step, value, order });
    else this.axisStepPoint(s, step, value, order);
  }

  private axisEpochPoint(s: Series, p: RawPoint): void {
    const seg = this.seg;
    const l = this.layout as Extract<Layout, { kind: 'axis' }>;
    seg.zeroBased ??= l.epochBase !== undefined ? l.epochBase === 0 : /(^|\/)epoch_/.test(s.name) || p.step === 0;
    const epoch = Math.round(p.step) + (seg.zeroBased ? 1 : 0);
    // CSVLogger rows: a row of a later epoch means the earlier rows are whole.
    if (l.rowIsEpoch) {
      this.finalizeBefore(epoch);
      return this.apply(s, epoch, p.step, p.value);
    }
    const ends = seg.epochEnds;
    const last = ends[ends.length - 1];
    if (!last || epoch > last.epoch) {
      seg.consecutive = last ? seg.consecutive && epoch === last.epoch + 1 : epoch === 1;
      ends.push({ epoch, order: p.order });
      if (seg.consecutive) this.inferStepsPerEpoch();
    } else if (epoch === last.epoch) last.order = Math.max(last.order, p.order);
    if (s.role?.metric === 'valLoss' && seg.valEpochs[seg.valEpochs.length - 1] !== epoch) {
      seg.valEpochs.push(epoch);
      this.pairIterations();
    }
    this.apply(s, epoch, p.step, p.value);
    if (this.deciding) return;
    this.comparePerStep(false);
    this.emitReady(false);
  }

  /**
   * Keras's evaluation_*_vs_iterations: the optimizer's iteration count at each evaluation, written
   * just before (or with) that evaluation's epoch_* values. The k-th count pairs with the k-th
   * epoch of validation loss; a whole, constant ratio is the steps per epoch.
   */
  private iterationCount(s: Series, step: number, value: number): void {
    const seg = this.seg;
    this.out.scalar(s.name, 'step', this.outStep(step), value);
    if (/(^|\/)evaluation_loss_vs_iterations$/.test(s.name)) {
      seg.iterations.push(step);
      this.pairIterations();
    }
  }

  private pairIterations(): void {
    const seg = this.seg;
    while (seg.paired < seg.iterations.length && seg.paired < seg.valEpochs.length) {
      const per = seg.iterations[seg.paired]! / seg.valEpochs[seg.paired]!;
      seg.paired++;
      if (seg.stepsPerEpoch === null) continue;
      if (seg.stepsPerEpoch === undefined) seg.stepsPerEpoch = Number.isInteger(per) && per >= 1 ? per : null;
      else if (per !== seg.stepsPerEpoch) seg.stepsPerEpoch = null;
    }
    if (seg.stepsPerEpoch && seg.waitingSteps.length) this.releaseSteps(Infinity);
  }

  /**
   * Steps per epoch from the last step seen at each epoch's end, while epochs come 1, 2, 3 and
   * end on a whole multiple of steps: then a step's epoch stays right when an epoch's record is lost.
   */
  private inferStepsPerEpoch(): void {
    const seg = this.seg;
    if (seg.stepsPerEpoch !== undefined || seg.maxStepSeen === -Infinity) return;
    seg.stepEnds.push(seg.maxStepSeen + (this.stepShift ?? 0));
    const ends = seg.stepEnds;
    if (ends.length < 2) return;
    const per = ends[0]!;
    if (per >= 1 && ends.every((v, i) => v === per * (i + 1))) {
      seg.inferredPerEpoch = per;
      if (seg.waitingSteps.length) this.releaseSteps(Infinity);
    } else seg.stepsPerEpoch = null;
  }

  private axisStepPoint(s: Series, step: number, value: number, order: number): void {
    const seg = this.seg;
    this.stepShift ??= step === 0 ? 1 : 0;
    if (step > seg.maxStepSeen) seg.maxStepSeen = step;
    if (!seg.stepsPerEpoch && seg.inferredPerEpoch && !seg.waitingSteps.length) return this.apply(s, Math.max(1, Math.ceil((step + this.stepShift) / seg.inferredPerEpoch)), step, value);
    const per = seg.stepsPerEpoch;
    if (per) return this.apply(s, Math.max(1, Math.ceil((step + this.stepShift) / per)), step, value);
    const after = this.epochWrittenAfter(order);
    if (after !== undefined) return this.apply(s, after, step, value);
    const last = seg.epochEnds[seg.epochEnds.length - 1];
    if (last && seg.consecutive && !seg.waitingSteps.length) return this.apply(s, last.epoch + 1, step, value);
    seg.waitingSteps.push({ series: s, step, value, order });
  }

  /** The first epoch whose last per-epoch point was written at or after `order`. */
  private epochWrittenAfter(order: number): number | undefined {
    const ends = this.seg.epochEnds;
    if (!ends.length || ends[ends.length - 1]!.order < order) return undefined;
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]!.order < order) lo = mid + 1;
      else hi = mid;
    }
    return ends[lo]!.epoch;
  }

  /** Places the waiting per-step points written up to `order`: by steps per epoch when known, else in the first epoch written after them. */
  private releaseSteps(order: number, fallback?: number): void {
    const seg = this.seg;
    const waiting = seg.waitingSteps;
    seg.waitingSteps = [];
    for (const p of waiting) {
      const per = seg.stepsPerEpoch || seg.inferredPerEpoch;
      const epoch = p.order > order ? undefined : per ? Math.max(1, Math.ceil((p.step + (this.stepShift ?? 0)) / per)) : (this.epochWrittenAfter(p.order) ?? fallback);
      if (epoch === undefined) seg.waitingSteps.push(p);
      else this.apply(p.series, epoch, p.step, p.value);
    }
  }

  /** Decides held series against the densest per-epoch mapped series (see the file comment). */
  private comparePerStep(final: boolean): void {
    if (!this.hasHeld) return;
    let reference: Series | undefined;
    for (const r of this.series.values()) {
      if (r.gran === 'epoch' && r.role && r.count > 0 && (!reference || r.count > reference.count)) reference = r;
    }
    let still = false;
    this.deciding = true;
    for (const s of this.series.values()) {
      if (!s.held) continue;
      const perStep = reference !== undefined && s.count > 2 * reference.count && s.maxStep > 2 * (reference.maxStep + 1);
      if (!perStep && !final && (!reference || reference.count < RULE_OUT_POINTS)) {
        still = true;
        continue;
      }
      s.gran = perStep ? 'step' : 'epoch';
      const held = s.held;
      // Not `delete`: that would turn the series into a slow dictionary-mode object for the rest of the read.
      s.held = undefined;
      if (perStep) this.noteOnce(`per-step:${s.name}`, `${this.options.label}: "${s.name}" has far more points than "${reference!.name}": read as a per-step value`);
      for (const p of held) this.axisPoint(s, p.step, p.value, p.order);
    }
    this.deciding = false;
    this.hasHeld = still;
    if (!still) this.emitReady(final);
  }

  /** Axis layout: emits the next epochs that are final (see the file comment); `rows`: every epoch read is whole. */
  private emitReady(rows: boolean): void {
    const seg = this.seg;
    if (this.hasHeld || this.deciding) return;
    while (seg.nextEpoch !== undefined && seg.nextEpoch <= seg.maxEpoch) {
      const e = seg.nextEpoch;
      const a = seg.accs.get(e);
      if (a && e === seg.maxEpoch && !rows) {
        const complete = seg.expected.size > 0 && [...seg.expected].every((s) => a.last.has(s));
        if (!complete) return;
      }
      this.emitEpoch(e);
    }
  }

  // ------------------------------------------------------------------------- epochs and steps

  /** A point whose epoch is known (the log's 1-based epoch, before the segment's offset). */
  private apply(s: Series, epoch: number, step: number, value: number): void {
    const seg = this.seg;
    seg.epochOffset ??= this.lastEpochOut >= epoch ? this.lastEpochOut - epoch + 1 : 0;
    seg.nextEpoch ??= epoch;
    let a = seg.lastAcc?.epoch === epoch ? seg.lastAcc : seg.accs.get(epoch);
    if (!a && seg.nextEpoch !== undefined && epoch < seg.nextEpoch - REVISABLE_EPOCHS) {
      // Too late to revise an epoch read this long ago: kept as a scalar only.
      this.out.scalar(s.name, 'step', this.outStep(step), value);
      this.noteOnce(`too-late:${s.name}`, `${this.options.label}: a value of "${s.name}" for epoch ${epoch + seg.epochOffset} came ${seg.nextEpoch - epoch} epoch${seg.nextEpoch - epoch === 1 ? '' : 's'} late: kept as a scalar, the epoch not revised`);
      return;
    }
    if (!a) {
      seg.accs.set(epoch, (a = { epoch, last: new Map(), agg: new Map(), emitted: false }));
      if (epoch > seg.maxEpoch) seg.maxEpoch = epoch;
    }
    seg.lastAcc = a;
    if (s.gran === 'epoch') a.last.set(s, value);
    else {
      const g = s.aggOf === a ? s.agg : a.agg.get(s);
      if (g) {
        g.sum += value;
        g.n++;
        g.last = value;
      } else a.agg.set(s, (s.agg = { sum: value, n: 1, last: value }));
      if (g) s.agg = g;
      s.aggOf = a;
    }
    const byEpoch = this.layout.kind === 'axis' && s.gran === 'epoch';
    const axis = byEpoch ? 'epoch' : 'step';
    if (s.gran === 'step' && s.role && this.isStepSeries(s)) return this.stepValue(s, epoch, step, value, a);
    if (s.bucketGeneration !== this.out.generation || s.bucketAxis !== axis) [s.bucket, s.bucketAxis, s.bucketGeneration] = [this.out.bucket(s.name, axis), axis, this.out.generation];
    s.bucket!.x.push(byEpoch ? epoch + seg.epochOffset : this.outStep(step));
    s.bucket!.y.push(value);
    if (s.gran === 'step' && s.role) this.stepValue(s, epoch, step, value);
    this.reviseIfEmitted(s, a, epoch);
  }

  /** Whether a per-step series' points all go into step records (the loss and the gradient norm): they are not repeated as scalars. */
  private isStepSeries(s: Series): boolean {
    if (s.role!.metric === 'trainLoss') this.stepLoss ??= s;
    if (s.role!.metric === 'gradNorm') this.stepGrad ??= s;
    return s === this.stepLoss || s === this.stepGrad;
  }

  private reviseIfEmitted(s: Series, a: Acc, epoch: number): void {
    const seg = this.seg;
    if (a.emitted) {
      this.out.revise(this.epochRecord(a));
      this.noteOnce(`late:${s.name}`, `${this.options.label}: a value of "${s.name}" for epoch ${epoch + (seg.epochOffset ?? 0)} came after that epoch was read (a file flushed late): the epoch was revised`);
    }
  }

  /** A step of the log as the reading numbers it (1-based, numbered on across segments). */
  private outStep(step: number): number {
    const seg = this.seg;
    this.stepShift ??= step === 0 ? 1 : 0;
    const shifted = step + this.stepShift;
    seg.stepOffset ??= this.lastStepOut >= shifted ? this.lastStepOut - shifted + 1 : 0;
    return shifted + seg.stepOffset;
  }

  private stepValue(s: Series, epoch: number, step: number, value: number, a?: Acc): void {
    if (!this.isStepSeries(s)) return;
    const at = this.outStep(step);
    // No gradient norm in this log (none with the first losses): a step is whole with its loss.
    if (s === this.stepLoss && !this.stepGrad && this.lossesWithoutGrad >= 2 && !this.seg.pendingSteps.length) {
      this.emitStep(at, epoch + (this.seg.epochOffset ?? 0), value, undefined);
      if (a) this.reviseIfEmitted(s, a, epoch);
      return;
    }
    if (s === this.stepLoss && !this.stepGrad) this.lossesWithoutGrad++;
    // A later step of the loss series completes the earlier ones (a gradient norm comes with its loss).
    if (s === this.stepLoss && this.seg.pendingSteps.length && this.seg.pendingSteps[0]!.step < at) this.flushSteps({ before: at });
    const pending = this.seg.pendingSteps;
    let p: PendingStep | undefined;
    for (let i = pending.length - 1; i >= 0 && !p; i--) if (pending[i]!.step === at) p = pending[i];
    if (!p) pending.push((p = { step: at, epoch: epoch + (this.seg.epochOffset ?? 0) }));
    if (s === this.stepLoss) p.loss = value;
    else p.grad = value;
    if (a) this.reviseIfEmitted(s, a, epoch);
  }

  /** Emits pending steps: those before a step, those up to an epoch, the complete ones, or all. */
  private flushSteps(which: { before?: number; upToEpoch?: number; completeOnly?: boolean }): void {
    const seg = this.seg;
    if (!seg.pendingSteps.length) return;
    // The common case, one step waiting for the next one's loss: no new array.
    if (which.before !== undefined && seg.pendingSteps.length === 1) {
      const p = seg.pendingSteps[0]!;
      if (p.step >= which.before) return;
      seg.pendingSteps.length = 0;
      this.emitStep(p.step, p.epoch, p.loss, p.grad);
      return;
    }
    const pending = seg.pendingSteps.length > 1 ? seg.pendingSteps.sort((a, b) => a.step - b.step) : seg.pendingSteps;
    seg.pendingSteps = [];
    for (const p of pending) {
      const ready =
        which.before !== undefined
          ? p.step < which.before
          : which.upToEpoch !== undefined
            ? p.epoch <= which.upToEpoch
            : !which.completeOnly || (p.loss !== undefined && (!this.stepGrad || p.grad !== undefined));
      if (!ready) seg.pendingSteps.push(p);
      else this.emitStep(p.step, p.epoch, p.loss, p.grad);
    }
  }

  private emitStep(step: number, epoch: number, loss: number | undefined, grad: number | undefined): void {
    if (loss === undefined || step <= this.lastStepOut) return;
    this.sayRestart();
    this.out.step(step, epoch, loss, grad);
    this.lastStepOut = step;
  }

  private emitEpoch(e: number): void {
    const seg = this.seg;
    this.sayRestart();
    if (this.layout.kind === 'axis' && seg.waitingSteps.length) {
      const end = seg.epochEnds.find((x) => x.epoch === e);
      if (end) this.releaseSteps(end.order);
    }
    seg.nextEpoch = e + 1;
    const a = seg.accs.get(e);
    if (!a) return;
    // Keras writes some epochs only (an integer update_freq): the steps of the others have no record of their own.
    if (this.layout.kind === 'axis' && !a.last.size && seg.epochEnds.length && seg.epochEnds[0]!.epoch > 1) {
      this.flushSteps({ upToEpoch: e + (seg.epochOffset ?? 0) });
      return;
    }
    const m = this.epochRecord(a);
    // The epoch's steps go out before its record, the order training produced them in.
    this.flushSteps({ upToEpoch: m.epoch });
    for (const s of a.last.keys()) seg.expected.add(s);
    a.emitted = true;
    this.out.epoch(m);
    this.lastEpochOut = Math.max(this.lastEpochOut, m.epoch);
    // Memory stays bounded by the series, not the epochs: only recent epochs can still be revised.
    seg.accs.delete(e - REVISABLE_EPOCHS);
  }

  private epochRecord(a: Acc): EpochMetrics {
    const known: Partial<Record<LogMetric, number>> = {};
    for (const metric of LOG_METRICS) {
      const v = metricValue(a, metric);
      if (v !== undefined) known[metric] = v;
    }
    return epochMetrics(a.epoch + (this.seg.epochOffset ?? 0), known);
  }

  // ------------------------------------------------------------------------------------ segments

  /** Everything the segment still holds becomes final. */
  private finishSegment(): void {
    const seg = this.seg;
    if (this.layout.kind === 'marks') this.resolveUnmarked(true);
    else {
      this.comparePerStep(true);
      if (seg.waitingSteps.length) {
        const last = seg.epochEnds[seg.epochEnds.length - 1];
        this.releaseSteps(Infinity, last ? last.epoch + 1 : 1);
      }
    }
    while (seg.nextEpoch !== undefined && seg.nextEpoch <= seg.maxEpoch) this.emitEpoch(seg.nextEpoch);
    this.flushSteps({});
  }

  private restartFrom(why: string, loggedStep: number | undefined, continued?: boolean): void {
    const before = this.seg;
    this.finishSegment();
    this.sayRestart();
    for (const s of this.series.values()) {
      s.lastStep = -Infinity;
      s.epochOfLast = NaN;
      s.inEpoch = 0;
      s.prevStep = NaN;
    }
    this.seg = newSegment(before.index + 1);
    this.seg.zeroBased = before.zeroBased;
    // Back to a step after the segment's first one: resumed from a checkpoint.
    const rewound = loggedStep !== undefined && before.firstLoggedStep !== undefined && loggedStep > before.firstLoggedStep;
    const lastIterations = before.iterations[before.iterations.length - 1];
    this.pendingSegment = { why, loggedStep, continued: continued ?? (rewound || this.options.restartsContinue ? true : undefined), rewound, lastIterations, index: before.index + 1 };
  }

  /** Says the restart (a note and a segment record), judging from what the new segment's start shows. */
  private sayRestart(): void {
    const p = this.pendingSegment;
    if (!p) return;
    this.pendingSegment = undefined;
    let judged = p.continued;
    // Keras's optimizer counts iterations over every fit(): still growing, the same model trained on.
    const it = this.seg.iterations[0];
    if (judged === undefined && p.lastIterations !== undefined && it !== undefined) judged = it > p.lastIterations;
    const what = p.rewound ? 'resumed from a checkpoint?' : judged === true ? 'the same training continued' : judged === false ? 'a new run' : 'a second run in the same place, or a resumed one';
    const reason = `${this.options.label}: ${p.why}: read as segment ${p.index + 1} (${what}), numbered on from epoch ${this.lastEpochOut + 1}`;
    this.out.note(reason);
    this.out.segment({ index: p.index, firstEpoch: this.lastEpochOut + 1, firstStep: this.lastStepOut + 1, ...(p.loggedStep !== undefined ? { loggedStep: p.loggedStep } : {}), continued: judged, reason });
  }
}

/** A per-epoch series' value when the epoch has one (fewest words first), else the per-step values' mean (the last, for a learning rate). */
function metricValue(a: Acc, metric: LogMetric): number | undefined {
  let best: { rank: number; value: number } | undefined;
  for (const [s, v] of a.last) {
    const role = s.role;
    if (role?.metric === metric && (!best || role.rank < best.rank)) best = { rank: role.rank, value: v };
  }
  if (best) return best.value;
  for (const [s, g] of a.agg) {
    const role = s.role;
    if (role?.metric !== metric || (best && role.rank >= best.rank)) continue;
    best = { rank: role.rank, value: metric === 'learningRate' ? g.last : g.sum / g.n };
  }
  return best?.value;
}
