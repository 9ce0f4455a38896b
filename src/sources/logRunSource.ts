/**
 * Another trainer's run as a run source: read once (`loss-lens diagnose`, "Open Log") or followed
 * while it trains, through the incremental readers (src/logs), judged by the same detectors as a
 * live run. Each poll reads what was appended; a writer's partial last record waits for the rest.
 * When a late file revises epochs already judged (PyTorch's add_scalars writers flush on their own
 * clock), the detectors run again over the run so far (kept compactly) and any new flag is sent.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { DiscoveredRun } from '../logs/discoverRuns';
import { openLogReader, type LogReader } from '../logs/logFiles';
import type { LogUpdate } from '../logs/logUpdate';
import type { MetricsMapping } from '../logs/metricsSidecar';
import { epochFromName, parsePredictions } from '../logs/predictionsFile';
import { describeFailure, severityRank, type DiagnosticsReport, type EpochMetrics, type Flag, type FlagKind, type RunEnd, type SplitOutputs } from '../model';
import { LogJudge } from './logJudge';
import type { ReadingSink, RunSource } from './runSource';
import { StepTable } from '../logs/stepTable';
import { stepFromRecord } from './steps';

export interface LogRunOptions {
  /** Keep reading as the log grows, until the trainer's end marker, `idleTimeoutMs` or stop(). */
  readonly follow?: boolean;
  /** Following: end once this long passes without a new record (default: never). */
  readonly idleTimeoutMs?: number;
  /** Following: how often to look for appended records when no watcher pokes first. */
  readonly pollIntervalMs?: number;
  /** Metric names from the command line or a setting (docs/logs.md). */
  readonly mapping?: MetricsMapping;
}

/** Looking 4 times a second keeps a followed readout under a second behind the log for a stat per file. */
export const FOLLOW_POLL_MS = 250;
/** Re-judging a whole run after a revision costs a pass over it: at most this often. */
const REJUDGE_MS = 5_000;

interface PredictionsState {
  readonly byEpoch: Map<number, SplitOutputs>;
  final?: SplitOutputs;
  classes?: readonly string[];
  readonly mtimes: Map<string, number>;
}

export class LogRunSource implements RunSource {
  readonly origin = 'log' as const;
  private sink: ReadingSink | undefined;
  private reader: LogReader | undefined;
  private judge!: LogJudge;
  private readonly epochs = new Map<number, EpochMetrics>();
  private readonly steps = new StepTable();
  /** Where the detectors start: the last stretch of the log that is not known to continue the one before. */
  private judgeFrom = { epoch: 1, step: 1 };
  private readonly sent = new Map<FlagKind, Flag>();
  private readonly predictions: PredictionsState = { byEpoch: new Map(), mtimes: new Map() };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  private pokeAgain = false;
  private ended = false;
  /** When the log last grew: its files' newest change at the start, then each poll that read records. */
  private lastRecordAt = Date.now();
  /** The first read of what the log already held is over (its records are not news). */
  private caughtUp = false;
  private rejudgeDue = false;
  private lastRejudge = 0;
  /** run/didStart was sent: it waits for the first look at the predictions files (their classes). */
  private started = false;

  constructor(
    readonly root: string,
    readonly run: DiscoveredRun,
    private readonly options: LogRunOptions = {},
  ) {}

  /** The run's files, absolute. */
  get files(): string[] {
    return this.run.files.map((f) => path.join(this.root, f));
  }

  start(sink: ReadingSink): void {
    this.sink = sink;
    this.reader = openLogReader(this.root, this.run, this.options.mapping ? { mapping: this.options.mapping } : {});
    this.judge = this.newJudge();
    this.schedule(0);
  }

  /**
   * The first tick: the predictions' classes (the dashboard's and the detectors') and the files'
   * newest change, read without blocking the host (many runs start at once in a logdir).
   */
  private async begin(): Promise<void> {
    await this.readPredictions();
    // A log untouched for longer than the idle timeout is a finished run: it ends once it is read.
    const newest = await newestChange(this.files);
    if (this.started) return;
    this.lastRecordAt = Math.min(Date.now(), newest ?? Date.now());
    this.judge = this.newJudge();
    this.sendStart();
  }

  private sendStart(): void {
    if (this.started || !this.reader) return;
    this.started = true;
    this.sink?.({ type: 'run/didStart', name: this.run.name, classes: this.predictions.classes ?? [], epochs: 0, stepsPerEpoch: 0, format: this.reader.format, files: this.files });
  }

  /** Something changed on disk (a watcher saw it): look now rather than at the next interval. */
  poke(): void {
    if (this.ended) return;
    if (this.polling) this.pokeAgain = true;
    else this.schedule(0);
  }

  /** Stops following: what was read is judged and the run ends here (the trainer may go on). */
  stop(): void {
    if (this.ended || !this.reader) return;
    this.end('stopped', 'Loss Lens stopped following this log; the trainer may still be running.');
  }

  dispose(): void {
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.ended) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.ended || this.polling || !this.reader) return;
    this.polling = true;
    let update: LogUpdate;
    try {
      if (!this.started) await this.begin();
      if (this.ended) return;
      update = await this.reader.poll();
      // Following: a new or rewritten predictions file is taken up between polls.
      if (this.options.follow && !update.more) await this.readPredictions();
    } catch (error) {
      this.fail(error);
      return;
    } finally {
      this.polling = false;
    }
    if (this.ended) return;
    this.take(update);
    if (update.ended) return this.end('completed');
    if (!update.more) this.caughtUp = true;
    if (update.more || this.pokeAgain) {
      this.pokeAgain = false;
      return this.schedule(0);
    }
    if (!this.options.follow) return this.end('completed');
    if (this.options.idleTimeoutMs !== undefined && Date.now() - this.lastRecordAt > this.options.idleTimeoutMs) {
      return this.end('completed', `No new records for ${Math.round(this.options.idleTimeoutMs / 1000)} s: the run is taken to have ended.`);
    }
    this.rejudgeIfDue();
    this.schedule(this.options.pollIntervalMs ?? FOLLOW_POLL_MS);
  }

  /** One update's readings: judged and sent on. */
  private take(update: LogUpdate): void {
    if (update.records > 0 && this.caughtUp) this.lastRecordAt = Date.now();
    for (const segment of update.segments) {
      if (segment.index === 0 || segment.continued === true) continue;
      // Another run in the same place: the detectors start afresh from it.
      this.judgeFrom = { epoch: segment.firstEpoch, step: segment.firstStep };
      this.judge = this.newJudge();
    }
    for (const e of [...update.epochs, ...update.revised]) this.epochs.set(e.epoch, e);
    this.steps.append(update.steps);
    if (update.revised.length) this.rejudgeDue = true;
    this.judge.push(update.epochs, update.steps);
    const notes = [...update.notes, ...update.segments.filter((s) => s.index > 0).map((s) => s.reason)];
    if (update.epochs.length || update.steps.length || update.revised.length || update.scalars.length || notes.length) {
      this.sink?.({
        type: 'run/didProgress',
        steps: update.steps.map(stepFromRecord),
        epochs: update.epochs,
        ...(update.revised.length ? { revised: update.revised } : {}),
        ...(update.scalars.length ? { scalars: update.scalars } : {}),
        ...(notes.length ? { notes } : {}),
      });
    }
  }

  private newJudge(): LogJudge {
    const classes = this.predictions.classes;
    return new LogJudge(classes ? { classes } : {}, (flag) => this.sendFlag(flag), (epoch) => this.predictions.byEpoch.get(epoch));
  }

  /**
   * A flag the view has not seen yet: a new kind, a higher severity, or the same severity with new
   * evidence. A re-judged run raises its flags again from the start (a warning before the error it
   * already escalated to): what is below the severity already shown, or already sent word for word, is not news.
   */
  private sendFlag(flag: Flag): void {
    const before = this.sent.get(flag.kind);
    if (before && (severityRank(before.severity) > severityRank(flag.severity) || (before.severity === flag.severity && before.message === flag.message))) return;
    this.sent.set(flag.kind, flag);
    this.sink?.({ type: 'run/didFlag', flag });
  }

  /** After a revision or new predictions: the detectors run again over the run so far. */
  private rejudgeIfDue(force = false): void {
    if (!this.rejudgeDue || (!force && Date.now() - this.lastRejudge < REJUDGE_MS)) return;
    this.rejudgeDue = false;
    this.lastRejudge = Date.now();
    this.judge = this.newJudge();
    const epochs = [...this.epochs.values()].filter((e) => e.epoch >= this.judgeFrom.epoch).sort((a, b) => a.epoch - b.epoch);
    this.judge.push(epochs, this.stepsFrom(this.judgeFrom.step));
  }

  private *stepsFrom(firstStep: number): Generator<ReturnType<StepTable['at']>> {
    for (let i = 0; i < this.steps.length; i++) {
      const s = this.steps.at(i);
      if (s.step >= firstStep) yield s;
    }
  }

  /** predictions.csv files beside the log: read again when they change (one per epoch, or with an epoch column). */
  private async readPredictions(): Promise<void> {
    const p = this.predictions;
    for (const rel of this.run.predictions) {
      const file = path.join(this.root, rel);
      const mtime = (await stat(file).catch(() => undefined))?.mtimeMs;
      if (mtime === undefined || p.mtimes.get(file) === mtime) continue;
      p.mtimes.set(file, mtime);
      try {
        const read = parsePredictions(await readFile(file, 'utf8'), file, epochFromName(path.basename(rel)));
        p.classes = read.classes;
        for (const group of read.groups) {
          if (group.epoch === undefined) p.final = group.outputs;
          else p.byEpoch.set(group.epoch, group.outputs);
        }
        this.rejudgeDue = true;
      } catch (error) {
        // A broken optional file never blocks the log it sits beside.
        this.sink?.({ type: 'run/didProgress', steps: [], epochs: [], notes: [`${describeFailure(error).message}: predictions not used`] });
      }
    }
  }

  private finalOutputs(): SplitOutputs | undefined {
    const p = this.predictions;
    if (p.final) return p.final;
    const last = Math.max(-Infinity, ...p.byEpoch.keys());
    return p.byEpoch.get(last);
  }

  private end(state: 'completed' | 'stopped', note?: string): void {
    if (this.ended || !this.reader) return;
    this.sendStart();
    this.take(this.reader.finish());
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.rejudgeIfDue(true);
    const nothing = this.reader.recordsRead === 0 || (!this.epochs.size && !this.steps.length);
    // Stopped by the user before anything came: nothing to judge, and nothing wrong with the log.
    if (nothing && state === 'stopped') {
      this.sink?.({ type: 'run/didEnd', end: { state, reason: 'stopped', diagnostics: null, note: 'Loss Lens stopped following this log before any record was read.' } });
      return;
    }
    if (nothing) {
      this.sink?.({ type: 'run/didEnd', end: { state: 'failed', failure: { message: `${this.run.name}: nothing to diagnose: no epoch or step records were read`, badInput: true, file: this.files[0] ?? this.root } } });
      return;
    }
    const diagnostics: DiagnosticsReport = this.judge.finish(this.finalOutputs());
    const end: RunEnd = { state, reason: state === 'completed' ? 'completed' : 'stopped', diagnostics, ...(note ? { note } : {}) };
    this.sink?.({ type: 'run/didEnd', end });
  }

  private fail(error: unknown): void {
    this.sendStart();
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.sink?.({ type: 'run/didEnd', end: { state: 'failed', failure: describeFailure(error) } });
  }
}

/** The newest modification time among these files (ms), or undefined when none can be read (not there yet). */
async function newestChange(files: readonly string[]): Promise<number | undefined> {
  const times = await Promise.all(files.map((file) => stat(file).then((s) => s.mtimeMs, () => undefined)));
  const known = times.filter((t): t is number => t !== undefined);
  return known.length ? Math.max(...known) : undefined;
}
