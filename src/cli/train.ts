/**
 * `loss-lens train`: the bundled trainer through the same worker and run source as the editor, so
 * Ctrl-C is seen mid-epoch (the main thread stays free) and the run folder is the editor's. SIGINT
 * stops between steps and finishes the folder with what was measured; a second one kills the worker.
 */
import * as path from 'node:path';
import { loadConfigFile } from '../config/load';
import { flagTitle, type EpochMetrics, type RunEnd } from '../model';
import { TrainerSource } from '../sources/trainerSource';
import type { Command } from './args';
import { EXIT, failsOn, STOP_SIGNALS, type StopSignal } from './exitCodes';
import { CommandFailure } from './failure';
import { err, printReport } from './output';
import { ProgressReporter } from './progress';
import { quote } from '../text/quote';

const REASONS: Record<string, string> = {
  completed: 'completed',
  'early-stopped': 'stopped early (no validation improvement)',
  stopped: 'stopped by Ctrl-C',
  diverged: 'stopped: the loss diverged',
};

/** The worker bundle beside the CLI's (out/worker.js next to out/cli.js). */
const workerPath = (): string => path.join(__dirname, 'worker.js');

export async function train(command: Extract<Command, { command: 'train' }>): Promise<number> {
  const loaded = await loadConfigFile(command.config);
  for (const warning of loaded.warnings ?? []) err(`warning: ${warning}`);
  const progress = new ProgressReporter(process.stderr);
  const epochs = new Map<number, EpochMetrics>();
  let runDir = command.out ?? '';
  const source = new TrainerSource(workerPath(), { type: 'run/start', configPath: loaded.path, config: loaded.config, ...(command.out ? { runDir: command.out } : {}), ...(command.replace ? { replace: true } : {}) });
  // The first stop signal stops between steps and finishes the folder; a second one quits at once.
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    if (stoppedBy === undefined) {
      stoppedBy = signal;
      progress.note(signal === 'SIGINT' ? 'Stopping after this step (Ctrl-C again to quit at once)...' : `${signal}: stopping after this step...`);
      source.stop();
    } else {
      void source.kill().then(() => process.exit(STOP_SIGNALS[signal]));
    }
  };
  const listeners = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  try {
    const end = await new Promise<RunEnd>((resolve) =>
      source.start((reading) => {
        switch (reading.type) {
          case 'run/didStart':
            runDir = reading.runDir ?? runDir;
            progress.note(`Training ${quote(reading.name ?? '')}: ${reading.trainRows} training / ${reading.validationRows} validation rows, ${reading.classes.length} classes, ${reading.features} features`);
            for (const note of reading.notes ?? []) progress.note(`note: ${note}`);
            progress.note(`Run folder: ${runDir}`);
            progress.start(reading.epochs, reading.stepsPerEpoch);
            return;
          case 'run/didProgress': {
            for (const m of reading.epochs) {
              epochs.set(m.epoch, m);
              progress.epoch(m);
            }
            const step = reading.steps.at(-1);
            if (step && !reading.epochs.length) progress.step(step.epoch, step.batch, step.loss);
            return;
          }
          case 'run/didFlag':
            progress.note(`${reading.flag.severity}: ${flagTitle(reading.flag.kind)} at epoch ${reading.flag.epoch}`);
            return;
          case 'run/didEnd':
            resolve(reading.end);
        }
      }),
    );
    progress.end();
    if (end.state === 'failed') throw new CommandFailure(end.failure, end.stack);
    const summary = end.summary;
    const finished = summary?.epochs ?? epochs.size;
    const restored = summary !== undefined && summary.bestEpoch !== null && summary.restoredBest;
    const how = end.reason === 'stopped' && stoppedBy && stoppedBy !== 'SIGINT' ? `stopped by ${stoppedBy}` : (REASONS[end.reason] ?? end.reason);
    err(`Run ${how} after ${finished} epoch${finished === 1 ? '' : 's'}${restored ? `; weights of the best epoch ${summary.bestEpoch} restored` : ''}.`);
    // The saved model is the restored best epoch's when early stopping restored it, else the last.
    const final = restored ? epochs.get(summary.bestEpoch!) : [...epochs.values()].at(-1);
    if (final) err(`Final model (epoch ${final.epoch}): val loss ${final.valLoss.toFixed(4)}, val accuracy ${(100 * final.valAccuracy).toFixed(1)}%`);
    err(`Run folder: ${runDir}`);
    if (!command.json) err('');
    const diagnostics = end.diagnostics ?? { flags: [], calibration: null, suspectedMislabeled: [] };
    printReport(diagnostics, command.json);
    if (stoppedBy !== undefined) return STOP_SIGNALS[stoppedBy];
    return failsOn(diagnostics.flags, command.failOn) ? EXIT.flagged : EXIT.ok;
  } finally {
    progress.end();
    for (const [signal, listener] of listeners) process.off(signal, listener);
    source.dispose();
  }
}
