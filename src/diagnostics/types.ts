/**
 * How detectors are wired: what they know about a run, what they consume and how they raise flags
 * (the flags themselves are the run model's: src/model/flags.ts). Also the range test's plain data.
 */
import type { EpochEvent } from '../engine/events';
import type { Flag, FlagKind, SplitOutputs, StepStats } from '../model';
import type { RunSettings } from './runSettings';

/** What detectors know about the run beyond its events. Any field may be missing for foreign logs. */
export interface RunContext {
  readonly classes?: readonly string[];
  readonly config?: RunSettings;
  /** Training-set class counts, in class order. */
  readonly trainClassCounts?: readonly number[];
  readonly stepsPerEpoch?: number;
  /** Rows of the validation split, when known: a split too small to judge is said so on its flags (smallSplit.ts). */
  readonly validationRows?: number;
  /**
   * Whose per-row outputs the mislabeled-row check reads: the training split's, every epoch (the
   * bundled engine; the default), or the validation rows of an outside model's per-epoch
   * predictions files (a log: docs/logs.md, "Predictions of a model trained elsewhere").
   */
  readonly rowOutputs?: 'train' | 'validation';
}

/**
 * A detector consumes events incrementally and raises flags through `raise`. The same object runs
 * live in the worker, in the CLI and over logs read from disk (where only epoch metrics may exist).
 */
export interface Detector {
  readonly kind: FlagKind | 'calibration';
  onStep?(stats: StepStats): void;
  onEpoch?(event: EpochEvent | { readonly metrics: EpochEvent['metrics'] }): void;
  /** Called once after the last event, with the final (or restored best) model's validation outputs when known. */
  finish?(finalValidation?: SplitOutputs): void;
}

/** An epoch as detectors receive it: a live EpochEvent, or only the metrics (logs read from disk). */
export type EpochInput = EpochEvent | { readonly metrics: EpochEvent['metrics']; readonly validation?: undefined; readonly train?: undefined };

/** What the session hands every detector: the run, its threshold overrides, and the flag channel. */
export interface DetectorEnv {
  readonly ctx: RunContext;
  readonly raise: Raise;
  /** The flag of this kind raised so far (detectors use it to stay quiet when another one explains the symptom). */
  raised(kind: FlagKind): Flag | undefined;
  /**
   * At finish: the problem a live flag reported is gone from the final model (e.g. a transient
   * miscalibration). The report keeps the flag as `info` with `evidence.resolved`; `note` says why.
   */
  resolve(kind: FlagKind, note: string, evidence?: Readonly<Record<string, unknown>>): void;
  /**
   * At finish: the same problem, described as it stands at the end (message, evidence, fix). Keeps
   * the first raise's epoch/step and never lowers the severity; a higher severity escalates as `raise`.
   */
  refresh(flag: Flag): void;
}

export type Raise = (flag: Flag) => void;
