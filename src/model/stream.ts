/**
 * A run as a stream: what every run source yields (the bundled trainer in a worker, another
 * trainer's log, a run folder on disk) and every consumer folds (the host's run store, the CLI).
 * Readings arrive in order: one `run/didStart`, then progress and flags, then one `run/didEnd`.
 */
import type { Calibration, DiagnosticsReport } from './calibration';
import type { Flag } from './flags';
import type { Failure } from './inputError';
import type { EpochMetrics, ScalarSeries, StepStats } from './readings';
import type { StopReason } from './runState';

/** What is known of a run before its first reading; counts a source does not know are 0. */
export interface RunStart {
  /** The run's name (a config's name, or a log's). */
  readonly name?: string;
  /** The run folder a trainer writes. */
  readonly runDir?: string;
  readonly classes: readonly string[];
  readonly features?: number;
  readonly trainRows?: number;
  readonly validationRows?: number;
  /** Planned epochs. */
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** What the source wants the user to know (rows dropped, a partial last line, ...). */
  readonly notes?: readonly string[];
  /** What the source read it as ("loss-lens run folder", "Keras CSVLogger", ...), and from which files. */
  readonly format?: string;
  readonly files?: readonly string[];
  /** When the run started (ms since the epoch), when the source knows better than "now" (a folder's name). */
  readonly startedAt?: number;
  /** The absolute path of the `*.losslens.json` the run trained, when the source knows it (a run folder's status.json). */
  readonly configPath?: string;
  /** The run's resolved config as plain JSON (config.json), when the source has one: a trainer or a run folder. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** How the trainer's loop ended, beyond its reason. */
export interface TrainingOutcomeSummary {
  readonly epochs: number;
  readonly bestEpoch: number | null;
  readonly restoredBest: boolean;
}

export type RunEnd =
  /**
   * The run ended by itself (`reason` says how: completed, early-stopped, diverged), was stopped, or
   * was interrupted (a crash, a closed editor). `running`: the source stops reading while the run
   * goes on elsewhere (a snapshot of a folder another process still writes).
   */
  | { readonly state: 'completed' | 'stopped' | 'interrupted' | 'running'; readonly reason: StopReason; readonly diagnostics: DiagnosticsReport | null; readonly summary?: TrainingOutcomeSummary; readonly note?: string; readonly endedAt?: number }
  /** The run could not go on; `failure` says why and, for bad input, where. */
  | { readonly state: 'failed'; readonly failure: Failure; readonly diagnostics?: DiagnosticsReport | null; readonly endedAt?: number; /** A bug's stack trace, for logs. */ readonly stack?: string };

export type RunReading =
  /** The data is loaded (or the log opened) and readings follow. */
  | ({ readonly type: 'run/didStart' } & RunStart)
  /**
   * Readings since the last batch (steps may be thinned, epochs never are). `revised` replaces epoch
   * records sent before (a log file that flushed late); `scalars` are new points of other series.
   */
  | {
      readonly type: 'run/didProgress';
      readonly steps: readonly StepStats[];
      readonly epochs: readonly EpochMetrics[];
      readonly calibration?: Calibration;
      readonly revised?: readonly EpochMetrics[];
      readonly scalars?: readonly ScalarSeries[];
      /** What the source learned that the user should know (a restart in the log, a skipped record). */
      readonly notes?: readonly string[];
    }
  /** A detector raised (or escalated) a flag. */
  | { readonly type: 'run/didFlag'; readonly flag: Flag }
  /** The run ended; nothing follows. */
  | { readonly type: 'run/didEnd'; readonly end: RunEnd };
