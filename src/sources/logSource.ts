/**
 * Another trainer's log as a run source (Keras CSVLogger, Lightning metrics.csv, Hugging Face
 * trainer_state.json, TensorBoard event files, a bare metrics.jsonl), read once and judged by the
 * same detectors as a live run.
 */
import * as path from 'node:path';
import { readTrainingLog } from '../logs/readLog';
import type { TrainingLog } from '../logs/trainingLog';
import { describeFailure, type RunReading } from '../model';
import { LogJudge } from './logJudge';
import type { ReadingSink, RunSource } from './runSource';
import { stepFromRecord } from './steps';

export class LogSource implements RunSource {
  readonly origin = 'log' as const;

  constructor(readonly file: string) {}

  start(sink: ReadingSink): void {
    // A microtask later, so a consumer that subscribes right after start() sees every reading in order.
    void Promise.resolve().then(() => {
      let log: TrainingLog;
      try {
        log = readTrainingLog(this.file);
      } catch (error) {
        sink({ type: 'run/didEnd', end: { state: 'failed', failure: describeFailure(error) } });
        return;
      }
      logReadings(log).forEach(sink);
    });
  }

  stop(): void {}
  dispose(): void {}
}

/** A log's readings, as a live run would have given them. */
export function logReadings(log: TrainingLog): RunReading[] {
  const readings: RunReading[] = [
    {
      type: 'run/didStart',
      name: `${path.basename(log.file)} (${log.format})`,
      classes: log.classes ?? [],
      epochs: log.epochs.length,
      stepsPerEpoch: 0,
      notes: log.notes,
      format: log.format,
      files: [log.file],
    },
    { type: 'run/didProgress', steps: log.steps.map(stepFromRecord), epochs: log.epochs },
  ];
  const judge = new LogJudge({ ...(log.classes ? { classes: log.classes } : {}), ...(log.config ? { config: log.config } : {}) }, (flag) => readings.push({ type: 'run/didFlag', flag }));
  judge.push(log.epochs, log.steps);
  const diagnostics = judge.finish(log.finalValidation);
  readings.push({ type: 'run/didEnd', end: { state: 'completed', reason: 'completed', diagnostics } });
  return readings;
}
