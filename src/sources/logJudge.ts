/**
 * The detectors over readings from disk (another trainer's log, an unfinished run folder), fed in
 * training order: an epoch's steps, then its epoch record (with the model's validation outputs for
 * that epoch, when a predictions file gives them). Steps carry only loss and gradient norm there,
 * epochs only what the log recorded; the session degrades to what it is given.
 */
import { DiagnosticsSession } from '../diagnostics/session';
import type { LogStep, TrainingLog } from '../logs/trainingLog';
import type { DiagnosticsReport, EpochMetrics, Flag, SplitOutputs } from '../model';

export interface JudgedRun {
  readonly classes?: readonly string[];
  readonly config?: TrainingLog['config'];
}

/** A session for readings that arrive from disk, all at once or as a log grows. */
export class LogJudge {
  private readonly session: DiagnosticsSession;
  private pendingSteps: LogStep[] = [];

  constructor(
    run: JudgedRun,
    onFlag?: (flag: Flag) => void,
    /** The model's validation outputs after an epoch, where the log has them (predictions-epoch<N>.csv). */
    private readonly outputsAt?: (epoch: number) => SplitOutputs | undefined,
  ) {
    // The rows a log can hold outputs of are its predictions files' (held-out rows), never training rows.
    this.session = new DiagnosticsSession({ ...(run.classes ? { classes: run.classes } : {}), ...(run.config ? { config: run.config } : {}), rowOutputs: 'validation' }, onFlag);
  }

  /** Readings in the order the log holds them; steps wait for their epoch's record, then go first. */
  push(epochs: readonly EpochMetrics[], steps: Iterable<LogStep>): void {
    // One at a time: spreading a million steps into push() overflows the stack.
    for (const step of steps) this.pendingSteps.push(step);
    let s = 0;
    for (const metrics of epochs) {
      while (s < this.pendingSteps.length && !(this.pendingSteps[s]!.epoch > metrics.epoch)) this.feed(this.pendingSteps[s++]!);
      const validation = this.outputsAt?.(metrics.epoch);
      this.session.onEpoch(validation ? { metrics, validation } : { metrics });
    }
    // Dropped once per push, not once per epoch (that copied the rest of the steps each epoch).
    this.pendingSteps = s ? this.pendingSteps.slice(s) : this.pendingSteps;
  }

  /** The flags raised so far (live: the session's current view). */
  flags(): readonly Flag[] {
    return this.session.flags();
  }

  /** The report, after the steps of an epoch that never got its record. */
  finish(finalValidation?: SplitOutputs): DiagnosticsReport {
    for (const step of this.pendingSteps) this.feed(step);
    this.pendingSteps = [];
    return this.session.finish(finalValidation);
  }

  private feed(step: LogStep): void {
    const { gradNormUnknown, ...known } = step;
    this.session.onStep(gradNormUnknown ? { step: known.step, epoch: known.epoch, loss: known.loss } : known);
  }
}

/** A whole log judged at once (what `loss-lens diagnose` reports on it). */
export function diagnoseTrainingLog(log: TrainingLog, onFlag?: (flag: Flag) => void): DiagnosticsReport {
  const judge = new LogJudge({ ...(log.classes ? { classes: log.classes } : {}), ...(log.config ? { config: log.config } : {}) }, onFlag);
  judge.push(log.epochs, log.steps);
  return judge.finish(log.finalValidation);
}
