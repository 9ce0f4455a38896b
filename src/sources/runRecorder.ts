/**
 * What a source gave, kept for a report: the run's start, its epoch records, how many steps, its
 * notes and flags, and how it ended. Steps are counted, not kept, so a log of millions of steps is
 * reported in bounded memory. The CLI's `diagnose` reports each run from one of these.
 */
import type { EpochMetrics, Flag, RunEnd, RunReading, RunStart } from '../model';

export class RunRecorder {
  start: RunStart | undefined;
  readonly epochs = new Map<number, EpochMetrics>();
  steps = 0;
  readonly notes: string[] = [];
  readonly flags = new Map<string, Flag>();
  end: RunEnd | undefined;

  take(reading: RunReading): void {
    switch (reading.type) {
      case 'run/didStart':
        this.start = reading;
        this.notes.push(...(reading.notes ?? []));
        return;
      case 'run/didProgress':
        for (const e of reading.epochs) this.epochs.set(e.epoch, e);
        for (const e of reading.revised ?? []) this.epochs.set(e.epoch, e);
        this.steps += reading.steps.length;
        this.notes.push(...(reading.notes ?? []));
        return;
      case 'run/didFlag':
        this.flags.set(reading.flag.kind, reading.flag);
        return;
      case 'run/didEnd':
        this.end = reading.end;
        return;
      default: {
        const unknown: never = reading;
        throw new Error(`unknown reading ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** The epoch records, in order. */
  epochList(): EpochMetrics[] {
    return [...this.epochs.values()].sort((a, b) => a.epoch - b.epoch);
  }
}

/** Runs a source to its end into a recorder. */
export function record(source: { start(sink: (r: RunReading) => void): void }, onReading?: (reading: RunReading, recorder: RunRecorder) => void): Promise<RunRecorder> {
  const recorder = new RunRecorder();
  return new Promise((resolve) =>
    source.start((reading) => {
      recorder.take(reading);
      onReading?.(reading, recorder);
      if (reading.type === 'run/didEnd') resolve(recorder);
    }),
  );
}
