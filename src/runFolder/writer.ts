/**
 * Writes one run folder (docs/run-folder.md) as training goes. The folder is the run's alone: a
 * lock (`run.lock`) refuses a second writer and names the first, and a folder that already holds a
 * run is refused (or, asked to, moved aside) rather than mixed with the new one. metrics.jsonl is
 * appended and written through at every epoch, so a reader always sees whole epochs; every other
 * file is written to a temporary name and renamed, so none is ever seen half-written. A full disk
 * or a folder that turned read-only is bad input naming the file, and leaves no temporary file.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { LossLensConfig } from '../config/types';
import type { DiagnosticsReport, EpochMetrics, RunState, SplitOutputs, StepRecord, StopReason } from '../model';
import type { ModelJson } from '../engine/modelJson';
import { RunFolderError } from './errors';
import { RUN_FILES, runTimestamp } from './layout';
import { predictionsCsv } from './predictions';
import { epochLine, stepLine } from './records';
import { lockIsLive, ownLock, parseLock, STATUS_FORMAT, type RunStatus } from './status';

/** diagnostics.json's keys, in order (docs/run-folder.md): what the writer stores and `loss-lens --json` prints. */
export function diagnosticsContent(report: DiagnosticsReport): Record<string, unknown> {
  return { flags: report.flags, calibration: report.calibration, suspectedMislabeled: report.suspectedMislabeled, ...(report.eceByEpoch ? { eceByEpoch: report.eceByEpoch } : {}) };
}

/** JSON with non-finite numbers as null (JSON.stringify does this for NaN/Infinity; every file must have it). */

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Why a write failed, in words, for the errors a user can act on. */
function describeWriteError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return 'the disk is full (ENOSPC)';
  if (code === 'EDQUOT') return 'the disk quota is used up (EDQUOT)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code}): the folder is read-only or not yours`;
  if (code === 'EROFS') return 'the file system is read-only (EROFS)';
  return (e as Error)?.message ?? String(e);
}

export interface WriterOptions {
  /** A folder that already holds a run is moved aside (to `<dir>.previous-<time>`) instead of refused. */
  readonly replace?: boolean;
  readonly epochsPlanned?: number;
  /** The config file the run trains (status.json records it relative to the folder). */
  readonly configFile?: string;
  readonly now?: () => Date;
}

export class RunFolderWriter {
  private metricsFd: number | undefined;
  private pendingSteps: string[] = [];
  private readonly lockFile: string;
  private epochs = 0;
  private readonly startedAt: string;
  /** Where an older run in this folder was moved, if it was. */
  readonly movedAside: string | undefined;

  constructor(
    readonly dir: string,
    private readonly options: WriterOptions = {},
  ) {
    this.lockFile = path.join(dir, RUN_FILES.lock);
    const now = options.now?.() ?? new Date();
    this.startedAt = now.toISOString();
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw RunFolderError.cannotCreate(dir, e);
    }
    this.movedAside = this.claim(now);
    try {
      this.metricsFd = openSync(path.join(dir, RUN_FILES.metrics), 'wx');
    } catch (e) {
      this.releaseLock();
      throw new RunFolderError(`cannot write: ${describeWriteError(e)}`, path.join(dir, RUN_FILES.metrics));
    }
    this.writeStatus('running');
  }

  /**
   * Takes the folder: the lock first (an exclusive create, so two writers cannot both win), then a
   * check that no other run's files are in it. Returns where an older run was moved, if it was.
   */
  private claim(now: Date): string | undefined {
    this.acquireLock();
    const others = existsSync(this.dir) ? readdirSync(this.dir).filter((name) => name !== RUN_FILES.lock) : [];
    if (!others.length) return undefined;
    this.releaseLock();
    if (!this.options.replace) {
      throw new RunFolderError(`already holds a run (${others.slice(0, 4).join(', ')}${others.length > 4 ? ', ...' : ''}); choose another folder, or replace it (the CLI's --replace moves the old run aside)`, this.dir);
    }
    const aside = `${this.dir}.previous-${runTimestamp(now)}`;
    try {
      renameSync(this.dir, aside);
      mkdirSync(this.dir);
    } catch (e) {
      throw new RunFolderError(`cannot move the run it holds aside to ${aside}: ${describeWriteError(e)}`, this.dir);
    }
    this.acquireLock();
    return aside;
  }

  private acquireLock(): void {
    try {
      writeFileSync(this.lockFile, json(ownLock()), { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new RunFolderError(`cannot write: ${describeWriteError(e)}`, this.lockFile);
      const holder = parseLock(readFileSync(this.lockFile, 'utf8'));
      if (holder && lockIsLive(holder)) {
        throw new RunFolderError(`is being written by another run (process ${holder.pid} on ${holder.host}, started ${holder.startedAt}); wait for it, or stop it, or choose another folder`, this.dir);
      }
      // A lock left by a process that is gone: that run was cut off, and its files are what they are.
      rmSync(this.lockFile, { force: true });
      writeFileSync(this.lockFile, json(ownLock()), { flag: 'wx' });
    }
  }

  private releaseLock(): void {
    rmSync(this.lockFile, { force: true });
  }

  private writeWhole(name: string, text: string): void {
    const target = path.join(this.dir, name);
    const temporary = `${target}.partial`;
    try {
      writeFileSync(temporary, text);
      renameSync(temporary, target);
    } catch (e) {
      rmSync(temporary, { force: true });
      throw new RunFolderError(`cannot write: ${describeWriteError(e)}`, target);
    }
  }

  private writeStatus(state: RunState, reason?: StopReason, note?: string): void {
    const status: RunStatus = {
      format: STATUS_FORMAT,
      state,
      ...(reason ? { reason } : {}),
      startedAt: this.startedAt,
      ...(state !== 'running' ? { endedAt: (this.options.now?.() ?? new Date()).toISOString() } : {}),
      epochs: this.epochs,
      epochsPlanned: this.options.epochsPlanned ?? 0,
      ...(note ? { note } : {}),
      ...(this.options.configFile ? { config: path.relative(this.dir, path.resolve(this.options.configFile)).split(path.sep).join('/') } : {}),
    };
    this.writeWhole(RUN_FILES.status, json(status));
  }

  writeConfig(config: LossLensConfig): void {
    this.writeWhole(RUN_FILES.config, json(config));
  }

  /** Buffered until the epoch's record is written. */
  step(s: StepRecord): void {
    this.pendingSteps.push(stepLine(s));
  }

  /** Appends the epoch's step records and its epoch record, written through to the OS now. */
  epoch(m: EpochMetrics): void {
    this.pendingSteps.push(epochLine(m));
    this.epochs = m.epoch;
    this.flushMetrics();
  }

  private flushMetrics(): void {
    if (this.metricsFd === undefined || !this.pendingSteps.length) return;
    const text = this.pendingSteps.join('\n') + '\n';
    this.pendingSteps = [];
    try {
      writeSync(this.metricsFd, text);
    } catch (e) {
      throw new RunFolderError(`cannot write: ${describeWriteError(e)}`, path.join(this.dir, RUN_FILES.metrics));
    }
  }

  writeDiagnostics(report: DiagnosticsReport): void {
    this.writeWhole(RUN_FILES.diagnostics, json(diagnosticsContent(report)));
  }

  writePredictions(classes: readonly string[], outputs: SplitOutputs): void {
    this.writeWhole(RUN_FILES.predictions, predictionsCsv(classes, outputs));
  }

  writeModel(model: ModelJson): void {
    this.writeWhole(RUN_FILES.model, json(model));
  }

  /**
   * Writes the steps of an unfinished epoch (a stopped run keeps what was measured), the run's final
   * state, and lets the folder go. Safe to call once the writer has failed: it never throws over the
   * error that ended the run.
   */
  close(end?: { readonly state: RunState; readonly reason?: StopReason; readonly note?: string }): void {
    try {
      this.flushMetrics();
      if (end) this.writeStatus(end.state, end.reason, end.note);
    } catch {
      // The run's own error (a full disk, most likely) is the one to report.
    } finally {
      if (this.metricsFd !== undefined) closeSync(this.metricsFd);
      this.metricsFd = undefined;
      this.releaseLock();
    }
  }
}
