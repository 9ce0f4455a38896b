/**
 * The `loss-lens` command (contract §2), on the same core as the extension: `train` runs
 * `runTraining` on a worker thread (so Ctrl-C is seen mid-epoch) and `diagnose` runs the detectors
 * on a log. Progress goes to stderr, results to stdout (so `--json` output can be piped).
 * Bad input exits 2 with a message naming the file and key or row — never a stack trace.
 */
import { isMainThread } from 'node:worker_threads';
import packageJson from '../package.json';
import { ConfigError } from './config/errors';
import { loadConfigFile } from './config/load';
import { type DiagnosticsReport, type EpochMetrics, flagTitle } from './model';
import { parseArgs, UsageError, USAGE, type Command } from './cli/args';
import { EXIT, failsOn } from './cli/exitCodes';
import { ProgressReporter } from './cli/progress';
import { formatDiagnostics, formatFlag } from './cli/summary';
import { noSuggestionMessage } from './diagnostics/lrRangeTest';
import { findLearningRate } from './run/findLearningRate';
import { describeError, isBadInput } from './run/badInput';
import { diagnosePath } from './run/diagnoseLog';
import { isCliTrainingWorker, runCliTrainingWorker, trainInWorker, WorkerFailure } from './run/trainInWorker';

/** Inlined by esbuild from package.json at build time. */
function version(): string {
  return packageJson.version;
}

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const err = (text: string): void => void process.stderr.write(`${text}\n`);

function printReport(report: DiagnosticsReport, json: boolean): void {
  out(json ? JSON.stringify({ flags: report.flags, calibration: report.calibration, suspectedMislabeled: report.suspectedMislabeled }, null, 2) : formatDiagnostics(report));
}

const REASONS: Record<string, string> = {
  completed: 'completed',
  'early-stopped': 'stopped early (no validation improvement)',
  stopped: 'stopped by Ctrl-C',
  diverged: 'stopped: the loss diverged',
};

async function train(command: Extract<Command, { command: 'train' }>): Promise<number> {
  const loaded = await loadConfigFile(command.config);
  for (const warning of loaded.warnings ?? []) err(`warning: ${warning}`);
  const progress = new ProgressReporter(process.stderr);
  const epochs = new Map<number, EpochMetrics>();
  const handle = trainInWorker({
    entryFile: __filename,
    loaded,
    ...(command.out ? { runDir: command.out } : {}),
    onStart: (info) => {
      progress.note(`Training "${info.config.name}": ${info.trainRows} training / ${info.validationRows} validation rows, ${info.classes.length} classes, ${info.featureNames.length} features`);
      for (const note of info.notes) progress.note(`note: ${note}`);
      progress.note(`Run folder: ${info.runDir}`);
      progress.start(info.epochs, info.stepsPerEpoch);
    },
    onEpoch: (metrics) => {
      epochs.set(metrics.epoch, metrics);
      progress.epoch(metrics);
    },
    onStep: (step) => progress.step(step.epoch, step.batch, step.loss),
    onFlag: (flag) => progress.note(`${flag.severity}: ${flagTitle(flag.kind)} at epoch ${flag.epoch}`),
  });
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      progress.note('Stopping after this step (Ctrl-C again to quit at once)...');
      handle.stop();
    } else {
      void handle.kill().then(() => process.exit(EXIT.interrupted));
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await handle.done;
    progress.end();
    const restored = outcome.bestEpoch !== null && outcome.restoredBest;
    err(`Run ${REASONS[outcome.reason] ?? outcome.reason} after ${outcome.epochs} epoch${outcome.epochs === 1 ? '' : 's'}${restored ? `; weights of the best epoch ${outcome.bestEpoch} restored` : ''}.`);
    // The saved model is the restored best epoch's when early stopping restored it, else the last.
    const final = restored ? epochs.get(outcome.bestEpoch!) : outcome.last;
    if (final) err(`Final model (epoch ${final.epoch}): val loss ${final.valLoss.toFixed(4)}, val accuracy ${(100 * final.valAccuracy).toFixed(1)}%`);
    err(`Run folder: ${outcome.runDir}`);
    if (!command.json) err('');
    printReport(outcome.diagnostics, command.json);
    if (interrupts > 0) return EXIT.interrupted;
    return failsOn(outcome.diagnostics.flags, command.failOn) ? EXIT.flagged : EXIT.ok;
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
  }
}

/** `lr-find`: the range test on the config's model and data (Smith 2017); prints the suggestion. */
async function lrFind(command: Extract<Command, { command: 'lr-find' }>): Promise<number> {
  const loaded = await loadConfigFile(command.config);
  for (const warning of loaded.warnings ?? []) err(`warning: ${warning}`);
  const { config } = loaded;
  const search = await findLearningRate({
    loaded,
    onStart: (info) => err(`Learning-rate range test on "${info.name}" (${config.optimizer.type}, batch ${config.training.batchSize}, ${info.trainRows} training rows)...`),
  });
  const { result, current, flag } = search;
  if (command.json) {
    out(JSON.stringify({ current, suggested: result.suggested, minimum: result.minimum, steepest: result.steepest, divergedAt: result.divergedAt, chanceLoss: result.chanceLoss, points: result.points }, null, 2));
    return EXIT.ok;
  }
  for (const p of result.smoothed) err(`  lr ${p.learningRate.toExponential(2)}  smoothed loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss)}`);
  out(flag ? formatFlag(flag) : noSuggestionMessage(result, search.classes.length, current));
  return EXIT.ok;
}

function diagnose(command: Extract<Command, { command: 'diagnose' }>): number {
  const { log, diagnostics } = diagnosePath(command.path);
  err(`${log.file}: read as ${log.format}, ${log.epochs.length} epoch${log.epochs.length === 1 ? '' : 's'}${log.steps.length ? `, ${log.steps.length} steps` : ''}`);
  for (const note of log.notes) err(`note: ${note}`);
  printReport(diagnostics, command.json);
  return failsOn(diagnostics.flags, command.failOn) ? EXIT.flagged : EXIT.ok;
}

async function main(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`loss-lens: ${error.message}\n\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    // Lets the tests reach the "unexpected error" path (exit 1) without a real bug.
    if (process.env.LOSSLENS_FAULT_INJECTION === 'unexpected') throw new Error('fault injected by LOSSLENS_FAULT_INJECTION');
    switch (command.command) {
      case 'help':
        out(USAGE);
        return EXIT.ok;
      case 'version':
        out(version());
        return EXIT.ok;
      case 'train':
        return await train(command);
      case 'diagnose':
        return diagnose(command);
      case 'lr-find':
        return await lrFind(command);
      default: {
        const unknown: never = command;
        throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
      }
    }
  } catch (error) {
    const badInput = error instanceof WorkerFailure ? error.badInput : isBadInput(error) || error instanceof ConfigError;
    err(`loss-lens: ${error instanceof WorkerFailure ? error.message : describeError(error)}`);
    if (!badInput) {
      err('This looks like a bug in Loss Lens; set LOSSLENS_DEBUG=1 to see where it happened.');
      if (process.env.LOSSLENS_DEBUG) err((error instanceof WorkerFailure ? error.workerStack : (error as Error)?.stack) ?? '');
    }
    return badInput ? EXIT.badInput : EXIT.unexpected;
  }
}

if (isCliTrainingWorker()) {
  void runCliTrainingWorker();
} else if (isMainThread) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      err(`loss-lens: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = EXIT.unexpected;
    },
  );
}
