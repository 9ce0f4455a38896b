/** A log read whole (a TrainingLog) as the readings a live run would have given, judged by the same detectors. */
import * as path from 'node:path';
import type { TrainingLog } from '../logs/trainingLog';
import type { RunReading } from '../model';
import { LogJudge } from './logJudge';
import { stepFromRecord } from './steps';

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
