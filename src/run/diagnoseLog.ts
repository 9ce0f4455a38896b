/**
 * `loss-lens diagnose`: the same detectors, fed from a log on disk instead of a live run. Steps
 * carry only loss and gradient norm there, epochs only what the log recorded; the session degrades
 * to what it is given. A run folder's predictions.csv gives the final calibration.
 */
import { DiagnosticsSession } from '../diagnostics/session';
import type { DiagnosticsReport } from '../model';
import { readTrainingLog } from '../logs/readLog';
import type { LogStep, TrainingLog } from '../logs/trainingLog';

export interface DiagnosedLog {
  readonly log: TrainingLog;
  readonly diagnostics: DiagnosticsReport;
}

export function diagnoseTrainingLog(log: TrainingLog): DiagnosticsReport {
  const session = new DiagnosticsSession({
    ...(log.classes ? { classes: log.classes } : {}),
    ...(log.config ? { config: log.config } : {}),
  });
  // Replay in training order: an epoch's steps, then its epoch record.
  const feed = (step: LogStep): void => {
    const { gradNormUnknown, ...known } = step;
    session.onStep(gradNormUnknown ? { step: known.step, epoch: known.epoch, loss: known.loss } : known);
  };
  let s = 0;
  for (const metrics of log.epochs) {
    while (s < log.steps.length && !(log.steps[s]!.epoch > metrics.epoch)) feed(log.steps[s++]!);
    session.onEpoch({ metrics });
  }
  while (s < log.steps.length) feed(log.steps[s++]!);
  return session.finish(log.finalValidation);
}

export function diagnosePath(file: string): DiagnosedLog {
  const log = readTrainingLog(file);
  return { log, diagnostics: diagnoseTrainingLog(log) };
}
