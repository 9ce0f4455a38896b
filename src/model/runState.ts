/** How a run stands and how it ended. */

/** Why the trainer's loop ended. */
export type StopReason = 'completed' | 'early-stopped' | 'stopped' | 'diverged';

/** A run as the views show it; `interrupted`: cut off by a crash or a closed editor, with what it reached. */
export type RunState = 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed';
