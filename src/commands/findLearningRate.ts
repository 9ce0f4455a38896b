/**
 * `lossLens.findLearningRate`: the learning-rate range test (Smith 2017, fastai's `lr_find`) on the
 * active config, in a worker like a run: a cancellable notification follows the sweep stage by
 * stage, the curve goes to the "Loss Lens" output channel, and the suggestion is offered as a
 * one-click edit of `optimizer.learningRate` (comments kept), optionally followed by a run.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { fmt } from '../diagnostics/stats';
import { noSuggestionMessage } from '../diagnostics/lrRangeTest';
import type { LearningRateSearch } from '../run/findLearningRate';
import { log } from '../views/log';
import { editConfigFile } from './editConfig';
import { resolveConfigUri, trainConfig, validConfigOf } from './train';
import { requireTrust } from './trust';
import type { Services } from './services';

/** For programmatic use (tests): what to do with a suggestion without asking. */
export interface FindLearningRateOptions {
  readonly apply?: boolean;
}

export async function findLearningRateCommand(s: Services, arg?: unknown, options: FindLearningRateOptions = {}): Promise<LearningRateSearch | undefined> {
  if (!requireTrust('run a learning-rate range test')) return undefined;
  const uri = await resolveConfigUri(s, arg, 'Which config should Loss Lens find a learning rate for?');
  if (!uri) return undefined;
  const config = await validConfigOf(s, uri);
  if (!config) return undefined;
  const file = path.basename(uri.fsPath);
  const job = s.controller.findLearningRate(uri.fsPath, config);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Loss Lens: learning-rate range test on "${config.name}"`, cancellable: true },
    async (progress, token) => {
      const cancel = token.onCancellationRequested(() => job.stop());
      const stages = job.onDidProgress(({ point, stage, stages: planned }) =>
        progress.report({ increment: 100 / planned, message: `rate ${fmt(point.learningRate)}: loss ${fmt(point.loss, 4)} (${stage + 1}/${planned})` }),
      );
      try {
        return await job.done;
      } finally {
        cancel.dispose();
        stages.dispose();
      }
    },
  );
  if (outcome.state === 'failed') {
    log()?.error(`learning-rate range test on ${file} failed: ${outcome.error}`);
    void vscode.window.showErrorMessage(`Loss Lens: the learning-rate range test on ${file} failed: ${outcome.error}`, ...(outcome.badInput ? ['Open Config'] : [])).then((choice) => {
      if (choice) void vscode.window.showTextDocument(uri);
    });
    return undefined;
  }
  const search = outcome.search;
  if (!search) return undefined;
  logCurve(file, search);
  const fix = search.flag?.fix?.[0];
  if (!search.flag || !fix) {
    void vscode.window.showWarningMessage(`Loss Lens: ${noSuggestionMessage(search.result, search.classes.length, search.current)}`, 'Show Curve').then((choice) => {
      if (choice) log()?.show(true);
    });
    return search;
  }
  if (options.apply) {
    await editConfigFile(uri, fix.edits);
    return search;
  }
  const trainToo = `${fix.title} and Train`;
  void vscode.window.showInformationMessage(`Loss Lens: ${search.flag.message}`, fix.title, trainToo, 'Show Curve').then(async (choice) => {
    if (choice === 'Show Curve') log()?.show(true);
    if (choice !== fix.title && choice !== trainToo) return;
    if (!(await editConfigFile(uri, fix.edits))) return;
    if (choice === trainToo) await trainConfig(s, uri);
  });
  return search;
}

/** The measured sweep, one line per stage, with the suggestion marked: the curve a person checks. */
function logCurve(file: string, search: LearningRateSearch): void {
  const channel = log();
  if (!channel) return;
  const { result } = search;
  channel.info(`learning-rate range test on ${file}: ${result.points.length} stages, ${search.trainRows} training rows${result.stopped ? ' (stopped)' : ''}`);
  const smoothed = new Map(result.smoothed.map((p) => [p.learningRate, p.loss]));
  for (const p of result.points) {
    const marks = [p.learningRate === result.steepest && 'steepest', p.learningRate === result.minimum && 'minimum', p.learningRate === result.divergedAt && 'diverged'].filter(Boolean);
    const smooth = smoothed.get(p.learningRate);
    channel.info(`  rate ${p.learningRate.toExponential(2)}  loss ${fmt(p.loss, 4).padEnd(8)} smoothed ${smooth === undefined ? '–' : fmt(smooth, 4)}${marks.length ? `  <- ${marks.join(', ')}` : ''}`);
  }
  channel.info(result.suggested === null ? '  no suggestion' : `  suggested learning rate ${fmt(result.suggested)} (the minimum / 10); now ${fmt(search.current)}`);
}
