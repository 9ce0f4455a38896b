/**
 * How a run stands, on disk (docs/run-folder.md): `status.json`, written when the run starts and
 * when it ends, and `run.lock`, held while a process writes the folder. A reader can so tell a
 * finished run (completed, early-stopped, diverged, stopped by the user, failed) from one still being
 * written, and from one cut off by a crash or a closed editor (interrupted).
 */
import { hostname } from 'node:os';
import type { RunState, StopReason } from '../model';

export const STATUS_FORMAT = 'loss-lens-status/1';

export interface RunStatus {
  readonly format: typeof STATUS_FORMAT;
  readonly state: RunState;
  /** Why the trainer's loop ended (a completed run may have stopped early or diverged). */
  readonly reason?: StopReason;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly epochs: number;
  readonly epochsPlanned: number;
  /** For an interrupted or failed run: what happened, in words. */
  readonly note?: string;
  /**
   * The `*.losslens.json` the run trained, relative to the run folder (so a moved project still
   * resolves it): the editor puts a past run's flags back on that config after a reload.
   */
  readonly config?: string;
}

/** Who holds a run folder while it is written. */
export interface RunLock {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export function ownLock(now = new Date()): RunLock {
  return { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
}

/**
 * Whether the process that holds this lock still runs. Only a process on this host can be asked;
 * one on another host (a shared file system) is taken to be alive.
 */
export function lockIsLive(lock: RunLock): boolean {
  if (lock.host !== hostname()) return true;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function parseLock(text: string): RunLock | undefined {
  try {
    const v = JSON.parse(text) as Partial<RunLock>;
    return typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string' ? (v as RunLock) : undefined;
  } catch {
    return undefined;
  }
}

const STATES: readonly RunState[] = ['running', 'completed', 'stopped', 'interrupted', 'failed'];
const REASONS: readonly StopReason[] = ['completed', 'early-stopped', 'stopped', 'diverged'];

export function parseStatus(raw: Record<string, unknown>): RunStatus | undefined {
  if (!STATES.includes(raw['state'] as RunState) || typeof raw['startedAt'] !== 'string') return undefined;
  const reason = REASONS.includes(raw['reason'] as StopReason) ? (raw['reason'] as StopReason) : undefined;
  return {
    format: STATUS_FORMAT,
    state: raw['state'] as RunState,
    ...(reason ? { reason } : {}),
    startedAt: raw['startedAt'],
    ...(typeof raw['endedAt'] === 'string' ? { endedAt: raw['endedAt'] } : {}),
    epochs: typeof raw['epochs'] === 'number' ? raw['epochs'] : 0,
    epochsPlanned: typeof raw['epochsPlanned'] === 'number' ? raw['epochsPlanned'] : 0,
    ...(typeof raw['note'] === 'string' ? { note: raw['note'].slice(0, 500) } : {}),
    ...(typeof raw['config'] === 'string' && raw['config'].length <= 4096 ? { config: raw['config'] } : {}),
  };
}

/**
 * The state a reader shows: a status that says "running" is believed only while its lock's process
 * lives; otherwise the run was cut off (interrupted), with what it reached.
 */
export function effectiveState(status: RunStatus | undefined, lock: RunLock | undefined): RunState | undefined {
  if (!status) return lock && lockIsLive(lock) ? 'running' : undefined;
  if (status.state !== 'running') return status.state;
  return lock && lockIsLive(lock) ? 'running' : 'interrupted';
}
