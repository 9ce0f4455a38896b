/** How a run stands and how it ended. */

/** Why the trainer's loop ended. */
export type StopReason = 'completed' | 'early-stopped' | 'stopped' | 'diverged';

/** A run as the views show it; `interrupted`: cut off by a crash or a closed editor, with what it reached. */
export type RunState = 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed';

/** What the words of a run's state need: its state, why it ended, and how far it got. */
export interface RunStanding {
  readonly state: RunState;
  readonly reason?: StopReason | undefined;
  /** The last epoch it finished (0 before the first). */
  readonly epochsReached: number;
  /** Planned epochs (0 when a foreign log does not say). */
  readonly epochsPlanned: number;
}

/** One word for how a run stands: "training", "completed", "early-stopped", "diverged", "stopped", "interrupted", "failed". */
export function runStateWord(state: RunState, reason?: StopReason): string {
  if (state === 'running') return 'training';
  if (state === 'completed' && (reason === 'early-stopped' || reason === 'diverged')) return reason;
  return state;
}

const epochsOf = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`;

/**
 * A run's state in words, the same in the sidebar, the status bar's tooltip and the dashboard:
 * "training · epoch 12 of 50", "completed · 50 epochs", "early-stopped at epoch 34 of 100",
 * "stopped at epoch 30 of 150", "interrupted at epoch 12 of 50", "failed at epoch 3 of 20".
 * A run that ended by itself says why when it was not the planned end (early stop, divergence).
 */
export function runStateWords(run: RunStanding): string {
  const n = run.epochsReached;
  const at = `at epoch ${n}${run.epochsPlanned > 0 ? ` of ${run.epochsPlanned}` : ''}`;
  switch (run.state) {
    case 'running':
      return n > 0 ? `training · epoch ${n}${run.epochsPlanned > 0 ? ` of ${run.epochsPlanned}` : ''}` : 'starting';
    case 'completed':
      return run.reason === 'early-stopped' || run.reason === 'diverged' ? `${runStateWord(run.state, run.reason)} ${at}` : `completed · ${epochsOf(n)}`;
    case 'stopped':
    case 'interrupted':
      return n > 0 ? `${run.state} ${at}` : `${run.state} before the first epoch`;
    case 'failed':
      return n > 0 ? `failed ${at}` : 'failed';
    default: {
      const unknown: never = run.state;
      return String(unknown);
    }
  }
}
