/**
 * A run source yields one run's readings (src/model/stream.ts): the bundled trainer in a worker,
 * another trainer's log, or a run folder on disk. The host's run store and the CLI consume every
 * source the same way, so a new kind of run is one new source and every view works for it.
 */
import type { RunEnd, RunReading } from '../model';

export type ReadingSink = (reading: RunReading) => void;

export interface RunSource {
  /** Where the run comes from: trained here, another trainer's log, a run folder. */
  readonly origin: 'live' | 'log' | 'folder';
  /** Starts delivering readings to `sink`, in order, ending with exactly one `run/didEnd`. Called once. */
  start(sink: ReadingSink): void;
  /** Asks the run to end: a trainer stops between steps and keeps what was measured. */
  stop(): void;
  dispose(): void;
}

/** Runs a source to its end and resolves with every reading it gave (the CLI's and the tests' way to read one). */
export function readAll(source: RunSource): Promise<RunReading[]> {
  return new Promise((resolve) => {
    const readings: RunReading[] = [];
    source.start((reading) => {
      readings.push(reading);
      if (reading.type === 'run/didEnd') resolve(readings);
    });
  });
}

/** The end of a source's readings. */
export function endOf(readings: readonly RunReading[]): RunEnd | undefined {
  const last = readings.at(-1);
  return last?.type === 'run/didEnd' ? last.end : undefined;
}

/** How many epoch and step records a source gave (a log that gave none has nothing to judge). */
export function countRecords(readings: readonly RunReading[]): { readonly epochs: number; readonly steps: number } {
  let epochs = 0;
  let steps = 0;
  for (const r of readings) {
    if (r.type !== 'run/didProgress') continue;
    epochs += r.epochs.length;
    steps += r.steps.length;
  }
  return { epochs, steps };
}
