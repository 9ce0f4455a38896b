/**
 * Host <-> training worker messages (worker_threads). One discriminated union per direction,
 * keyed by `type`: `noun/verb` for commands, `noun/didVerb` for notifications.
 */
import type { LossLensConfig } from '../config/types';
import type { Calibration, DiagnosticsReport, EpochMetrics, Flag, StepStats, StopReason } from '../model';
import type { LearningRateSearch, RangePoint } from '../diagnostics/types';

/** Host -> worker. */
export type HostToWorker =
  /** Host -> worker: start training this config (already validated) and write the run folder. */
  | { readonly type: 'run/start'; readonly configPath: string; readonly config: LossLensConfig; readonly runDir: string; readonly workspaceRoots: readonly string[] }
  /** Host -> worker: run the learning-rate range test on this config (already validated); no run folder. */
  | { readonly type: 'lrFind/start'; readonly configPath: string; readonly config: LossLensConfig }
  /** Host -> worker: stop the job between steps, keep what was measured (and finish the run folder). */
  | { readonly type: 'run/stop' };

/** Worker -> host. Readings are batched by the worker (at most ~20 messages a second). */
export type WorkerToHost =
  /** Worker -> host: the data is loaded and training begins. */
  | { readonly type: 'run/didStart'; readonly runDir: string; readonly classes: readonly string[]; readonly trainRows: number; readonly validationRows: number; readonly epochs: number; readonly stepsPerEpoch: number }
  /** Worker -> host: readings since the last batch (steps may be thinned, epochs never are). */
  | { readonly type: 'run/didProgress'; readonly steps: readonly StepStats[]; readonly epochs: readonly EpochMetrics[]; readonly calibration?: Calibration }
  /** Worker -> host: a detector raised (or escalated) a flag. */
  | { readonly type: 'run/didFlag'; readonly flag: Flag }
  /** Worker -> host: the run ended and its folder is complete. */
  | { readonly type: 'run/didFinish'; readonly reason: StopReason; readonly diagnostics: DiagnosticsReport }
  /** Worker -> host: one stage of the range test was measured (`stage` is 0-based of `stages` planned). */
  | { readonly type: 'lrFind/didProgress'; readonly point: RangePoint; readonly stage: number; readonly stages: number }
  /** Worker -> host: the range test ended (swept, diverged or stopped) and its curve was read. */
  | { readonly type: 'lrFind/didFinish'; readonly search: LearningRateSearch }
  /** Worker -> host: the job (a run or a range test) failed; `message` names the file/key/row where it applies. */
  | { readonly type: 'run/didFail'; readonly message: string; readonly badInput: boolean };
