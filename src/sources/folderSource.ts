/**
 * A run folder on disk as a run source (docs/run-folder.md). A finished folder's diagnostics.json is
 * the run's own judgment, made live with what only the trainer saw (every epoch's model outputs), so
 * its flags are shown as they were recorded (their fixes checked: diagnostics/persisted.ts). A folder
 * without it (a run cut short) is judged now by the same detectors, from metrics.jsonl and predictions.csv.
 * `loss-lens diagnose` on a folder and "Open Log or Run Folder" on it read this same source, so they agree.
 */
import * as path from 'node:path';
import type { DiagnosticsReport, RunEnd, RunReading, StepStats } from '../model';
import { predictionsToOutputs, readMetricsFrom, readRunFolderAsync, runFolderTime, RUN_FILES, type ReadRunFolderOptions, type RunFolder } from '../runFolder';
import type { LossLensConfig } from '../config/types';
import { validateConfigText } from '../config/validate';
import { LogJudge } from './logJudge';
import type { ReadingSink, RunSource } from './runSource';
import { stepFromRecord } from './steps';

export const RUN_FOLDER_FORMAT = 'loss-lens run folder';
export const UNFINISHED_NOTE = 'The run ended before it finished (stopped, or the editor closed).';
export const INTERRUPTED_NOTE = 'The run was cut off (the process ended or the editor closed) before it finished.';

export interface FolderSourceOptions extends ReadRunFolderOptions {
  /** A folder another process still writes is followed until its run ends (else read as it stands). */
  readonly follow?: boolean;
  readonly pollIntervalMs?: number;
}

/** How often a followed run folder is looked at (its writer flushes metrics.jsonl once an epoch). */
const FOLDER_POLL_MS = 250;

export class FolderSource implements RunSource {
  readonly origin = 'folder' as const;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Set while a running folder is followed: stop() ends its stream. */
  private following: ReadingSink | undefined;

  constructor(
    readonly dir: string,
    private readonly options: FolderSourceOptions = {},
  ) {}

  start(sink: ReadingSink): void {
    readRunFolderAsync(this.dir, this.options).then(
      (folder) => {
        const readings = folderReadings(folder);
        if (!(this.options.follow && folder.state === 'running')) return readings.forEach(sink);
        // Still being written: everything but the snapshot's end, then the lines as they come.
        readings.slice(0, -1).forEach(sink);
        this.follow(folder, sink);
      },
      (error: unknown) => sink({ type: 'run/didEnd', end: { state: 'failed', failure: { message: error instanceof Error ? error.message : String(error), badInput: true, file: this.dir } } }),
    );
  }

  /** Tails metrics.jsonl, judging what comes, until status.json says the run ended (then reads the finished folder). */
  private follow(first: RunFolder, sink: ReadingSink): void {
    const judged = judgedConfig(first);
    const judge = new LogJudge({ ...(first.classes ? { classes: first.classes } : {}), ...(judged ? { config: judged } : {}) }, (flag) => sink({ type: 'run/didFlag', flag }));
    judge.push(first.epochs, first.steps);
    let offset = first.metricsBytes;
    this.following = sink;
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      const tail = await readMetricsFrom(path.join(this.dir, RUN_FILES.metrics), offset).catch(() => undefined);
      if (tail) {
        offset = tail.offset;
        judge.push(tail.epochs, tail.steps);
        if (tail.epochs.length || tail.steps.length) sink({ type: 'run/didProgress', steps: tail.steps.map(stepFromRecord), epochs: tail.epochs });
      }
      const now = await readRunFolderAsync(this.dir, { ...this.options, predictions: 'header', model: false }).catch(() => undefined);
      if (now && now.state !== 'running') {
        // The run ended: its own judgment (or, cut off, the detectors') closes the stream.
        const end = folderReadings(now).at(-1);
        this.following = undefined;
        if (end) sink(end);
        return;
      }
      this.timer = setTimeout(() => void tick(), this.options.pollIntervalMs ?? FOLDER_POLL_MS);
    };
    this.timer = setTimeout(() => void tick(), this.options.pollIntervalMs ?? FOLDER_POLL_MS);
  }

  /** Stops following: the stream ends here while the run goes on in its own process. */
  stop(): void {
    const sink = this.following;
    this.following = undefined;
    this.dispose();
    sink?.({ type: 'run/didEnd', end: { state: 'running', reason: 'stopped', diagnostics: null, note: 'Loss Lens stopped following this run; its own process still writes it.' } });
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

/** config.json as a config the detectors can read, or undefined when it is not a valid one (hand-edited, or from another version). */
function judgedConfig(folder: RunFolder): LossLensConfig | undefined {
  if (!folder.config) return undefined;
  return validateConfigText(JSON.stringify(folder.config), path.join(folder.dir, RUN_FILES.config), { fileExists: () => true }).config;
}

/** A folder's readings, in the order a live run gave them. */
export function folderReadings(folder: RunFolder): RunReading[] {
  const config = folder.config as Partial<LossLensConfig> | undefined;
  const steps: StepStats[] = folder.steps.map(stepFromRecord);
  const readings: RunReading[] = [];
  // status.json knows the start to the millisecond; older folders only by their name (to the second).
  const recorded = folder.status ? Date.parse(folder.status.startedAt) : NaN;
  const startedAt = Number.isFinite(recorded) ? recorded : runFolderTime(path.basename(folder.dir));
  readings.push({
    type: 'run/didStart',
    name: typeof config?.name === 'string' ? config.name : path.basename(folder.dir),
    runDir: folder.dir,
    classes: folder.classes ?? [],
    epochs: typeof config?.training?.epochs === 'number' ? config.training.epochs : folder.epochs.length,
    stepsPerEpoch: 0,
    notes: folder.notes,
    format: RUN_FOLDER_FORMAT,
    files: [RUN_FILES.config, RUN_FILES.metrics, RUN_FILES.diagnostics, RUN_FILES.predictions, RUN_FILES.model, RUN_FILES.status].map((f) => path.join(folder.dir, f)),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(folder.status?.config ? { configPath: path.resolve(folder.dir, folder.status.config) } : {}),
    ...(folder.config ? { config: folder.config } : {}),
  });
  readings.push({ type: 'run/didProgress', steps, epochs: folder.epochs });
  const endedAt = endTime(folder, startedAt);
  if (folder.diagnostics && folder.state !== 'running') {
    for (const flag of folder.diagnostics.flags) readings.push({ type: 'run/didFlag', flag });
    const state = folder.state === 'stopped' || folder.state === 'interrupted' ? folder.state : 'completed';
    const note = folder.status?.note;
    readings.push({ type: 'run/didEnd', end: { state, reason: folder.status?.reason ?? (state === 'completed' ? 'completed' : 'stopped'), diagnostics: folder.diagnostics, ...(note ? { note } : {}), ...endedAt } });
    return readings;
  }
  const judged = judgedConfig(folder);
  const judge = new LogJudge({ ...(folder.classes ? { classes: folder.classes } : {}), ...(judged ? { config: judged } : {}) }, (flag) => readings.push({ type: 'run/didFlag', flag }));
  judge.push(folder.epochs, folder.steps);
  const diagnostics = judge.finish(folder.predictions ? predictionsToOutputs(folder.predictions) : undefined);
  readings.push({ type: 'run/didEnd', end: unfinishedEnd(folder, diagnostics, endedAt) });
  return readings;
}

/** When a folder's run ended: status.json says, else the folder's name (older folders). */
function endTime(folder: RunFolder, startedAt: number | undefined): { endedAt?: number } {
  const ended = folder.status?.endedAt !== undefined ? Date.parse(folder.status.endedAt) : startedAt;
  return ended !== undefined && Number.isFinite(ended) ? { endedAt: ended } : {};
}

/** The end of a run that left no diagnostics.json: still being written, cut off, failed, or (older folders) unfinished. */
function unfinishedEnd(folder: RunFolder, diagnostics: DiagnosticsReport, endedAt: { endedAt?: number }): RunEnd {
  const { state, lock, status } = folder;
  if (state === 'running') return { state: 'running', reason: 'stopped', diagnostics, note: `still being written${lock ? ` by process ${lock.pid} on ${lock.host}` : ''}` };
  if (state === 'failed') return { state: 'failed', failure: { message: status?.note ?? 'The run failed.', badInput: false }, diagnostics, ...endedAt };
  if (state === 'interrupted') return { state: 'interrupted', reason: 'stopped', diagnostics, note: status?.note ?? INTERRUPTED_NOTE, ...endedAt };
  if (!folder.epochs.length) return { state: 'failed', failure: { message: 'The run ended before its first epoch.', badInput: false }, diagnostics, ...endedAt };
  return { state: 'stopped', reason: 'stopped', diagnostics, note: UNFINISHED_NOTE, ...endedAt };
}
