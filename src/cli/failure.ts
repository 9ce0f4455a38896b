/**
 * A command that failed: bad input (exit 2) prints the message alone, which names the file and the
 * key or row and column; anything else (exit 1) is a bug, with its stack only under LOSSLENS_DEBUG.
 */
import { describeFailure, type Failure } from '../model';
import { EXIT } from './exitCodes';
import { err } from './output';

/** A failure that reached the CLI from a worker, with the worker's stack for LOSSLENS_DEBUG. */
export class CommandFailure extends Error {
  constructor(
    readonly failure: Failure,
    readonly workerStack?: string,
  ) {
    super(failure.message);
    this.name = 'CommandFailure';
  }
}

export function reportFailure(error: unknown): number {
  const failure = error instanceof CommandFailure ? error.failure : describeFailure(error);
  err(`loss-lens: ${failure.message}`);
  if (failure.badInput) return EXIT.badInput;
  err('This looks like a bug in Loss Lens; set LOSSLENS_DEBUG=1 to see where it happened.');
  if (process.env.LOSSLENS_DEBUG) err((error instanceof CommandFailure ? error.workerStack : (error as Error)?.stack) ?? '');
  return EXIT.unexpected;
}
