/**
 * Host <-> training worker messages (worker_threads), for the editor and the CLI alike. One
 * discriminated union per direction, keyed by `type`: `noun/verb` for commands, `noun/didVerb` for
 * notifications. A run's readings are the run model's (src/model/stream.ts).
 */
import type { LossLensConfig } from '../config/types';
import type { DiagnosticsReport, Failure, LearningRateSearch, RangePoint, RunReading, StopReason, TrainingOutcomeSummary } from '../model';

/** Host -> worker. */
export type HostToWorker =
  /**
   * Host -> worker: train this config (already validated; `configPath` locates its relative paths and
   * names it in messages) into `runDir`, or into a new `<time>-<name>` folder under `runsFolder`
   * (default `.losslens/runs` beside the config) made once the data has loaded.
   */
  | { readonly type: 'run/start'; readonly configPath: string; readonly config: LossLensConfig; readonly runDir?: string; readonly runsFolder?: string; /** Move a run already in `runDir` aside instead of refusing the folder. */ readonly replace?: boolean; /** Folders (the editor's workspace) whose files messages may quote, besides the config's own. */ readonly workspaceRoots?: readonly string[] }
  /** Host -> worker: run the learning-rate range test on this config (already validated); no run folder. */
  | { readonly type: 'lrFind/start'; readonly configPath: string; readonly config: LossLensConfig }
  /** Host -> worker: stop the job between steps, keep what was measured (and finish the run folder). */
  | { readonly type: 'run/stop' };

/** Worker -> host. Readings are batched by the worker (at most ~20 messages a second). */
export type WorkerToHost =
  /** Worker -> host: `run/didStart`, `run/didProgress` and `run/didFlag` readings of the run. */
  | Exclude<RunReading, { readonly type: 'run/didEnd' }>
  /** Worker -> host: the run ended and its folder is complete. */
  | { readonly type: 'run/didFinish'; readonly reason: StopReason; readonly diagnostics: DiagnosticsReport; readonly summary: TrainingOutcomeSummary }
  /** Worker -> host: one stage of the range test was measured (`stage` is 0-based of `stages` planned). */
  | { readonly type: 'lrFind/didProgress'; readonly point: RangePoint; readonly stage: number; readonly stages: number }
  /** Worker -> host: the range test ended (swept, diverged or stopped) and its curve was read. */
  | { readonly type: 'lrFind/didFinish'; readonly search: LearningRateSearch }
  /** Worker -> host: the job (a run or a range test) failed; for bad input the failure names the file and key or row. */
  | { readonly type: 'job/didFail'; readonly failure: Failure; readonly stack?: string };
