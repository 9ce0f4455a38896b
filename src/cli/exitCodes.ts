/** Exit statuses of `loss-lens` (docs/cli.md), plus the shell convention for an interrupt. */
import { type Flag, severityRank } from '../model';

export const EXIT = {
  ok: 0,
  /** Anything unexpected (a bug): the message, never a stack trace unless LOSSLENS_DEBUG is set. */
  unexpected: 1,
  /** Bad input: config, data, arguments, unreadable logs. The message names the file and key or row. */
  badInput: 2,
  /** `--fail-on`: a flag of that severity or worse was raised (for CI). */
  flagged: 3,
  /** Ctrl-C: 128 + SIGINT(2), as shells report it; the run folder holds what was measured. */
  interrupted: 130,
} as const;

/**
 * The signals a run ends on as on Ctrl-C (the folder finished with what was measured): what CI
 * timeouts and `docker stop` (SIGTERM) and a closed terminal (SIGHUP) send. Each exits 128 + its number.
 */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

export const FAIL_ON_LEVELS = ['warning', 'error'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/** Whether any flag is at `level` or worse. */
export function failsOn(flags: readonly Flag[], level: FailOn | undefined): boolean {
  return level !== undefined && flags.some((f) => severityRank(f.severity) >= severityRank(level));
}
