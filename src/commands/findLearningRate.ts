/**
 * `lossLens.findLearningRate`: the learning-rate range test (Smith 2017, fastai's `lr_find`) on the
 * active config, in a worker like a run: the dashboard draws the loss against the rate stage by
 * stage, a cancellable notification follows it, the curve also goes to the "Loss Lens" output
 * channel, and the suggestion is offered (notification and dashboard) as a one-click edit of
 * `optimizer.learningRate` (comments kept), optionally followed by a run.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { fmt } from '../diagnostics/stats';
import { LR_RANGE_DEFAULTS, noSuggestionMessage, suggestLearningRate } from '../diagnostics/lrRangeTest';
import type { Fix, LearningRateSearch, RangePoint } from '../model';
import type { RangeTestSnapshot } from '../protocol/webview';
import { log } from '../views/log';
import { editConfigFile } from './editConfig';
import { resolveConfigUri, trainConfig, validConfigOf } from './train';
import { requireTrust } from './trust';
import type { Services } from './services';
import { showFailure } from './showFailure';
import { failureOf } from '../worker/workerJob';
import type { RangeTestJob, RangeTestOutcome } from '../worker/rangeTestJob';

/** For programmatic use (tests). */
export interface FindLearningRateOptions {
  /** Write the suggestion into the config without asking. */
  readonly apply?: boolean;
  /** Draw the sweep in the dashboard (default true). */
  readonly openDashboard?: boolean;
}

export async function findLearningRateCommand(s: Services, arg?: unknown, options: FindLearningRateOptions = {}): Promise<LearningRateSearch | undefined> {
  if (!requireTrust('run a learning-rate range test')) return undefined;
  const uri = await resolveConfigUri(s, arg, 'Which config should Loss Lens find a learning rate for?', 'finds its learning rate');
  if (!uri) return undefined;
  const config = await validConfigOf(s, uri);
  if (!config) return undefined;
  const file = path.basename(uri.fsPath);
  const job = s.controller.findLearningRate(uri.fsPath, config);

  // The dashboard draws the sweep as it is measured (fastai's lr_find plot), then offers the suggestion.
  const base = { id: `range-${Date.now().toString(36)}`, name: config.name, file, stagesPlanned: LR_RANGE_DEFAULTS.stages, current: config.optimizer.learningRate };
  const points: RangePoint[] = [];
  const live = (): RangeTestSnapshot => {
    const read = suggestLearningRate(points);
    return { ...base, state: 'running', points: [...points], smoothed: read.smoothed, suggested: null, minimum: null, steepest: null, divergedAt: read.divergedAt };
  };
  // Set once the sweep is read; the dashboard button may call `apply` only after that.
  let fix: Fix | undefined = undefined;
  const apply = async (retrain: boolean): Promise<void> => {
    if (!fix || !(await editConfigFile(uri, fix.edits))) return;
    if (retrain) await trainConfig(s, uri);
  };
  if (options.openDashboard ?? true) s.dashboards.showRangeTest(uri.fsPath, live(), apply);

  const outcome = await sweepWithProgress(job, config.name, (point) => {
    points.push(point);
    s.dashboards.updateRangeTest(live());
  });
  if (outcome.state === 'failed') {
    s.dashboards.updateRangeTest({ ...live(), state: 'failed', message: outcome.error });
    showFailure(failureOf(outcome), uri, `the learning-rate range test on ${file} failed`);
    return undefined;
  }
  const search = outcome.search;
  if (!search) {
    s.dashboards.updateRangeTest({ ...live(), state: 'stopped', message: 'Stopped before the sweep was read.' });
    return undefined;
  }
  logCurve(file, search);
  const { result } = search;
  fix = search.flag?.fix?.[0];
  const verdict = search.flag ? search.flag.message : noSuggestionMessage(result, search.classes.length, search.current);
  s.dashboards.updateRangeTest({
    ...base,
    state: result.stopped ? 'stopped' : 'completed',
    points: result.points,
    smoothed: result.smoothed,
    suggested: result.suggested,
    minimum: result.minimum,
    steepest: result.steepest,
    divergedAt: result.divergedAt,
    message: verdict,
  });
  if (!search.flag || !fix) {
    void vscode.window.showWarningMessage(`Loss Lens: ${verdict}`, 'Show Curve').then((choice) => {
      if (choice) log()?.show(true);
    });
    return search;
  }
  if (options.apply) {
    await apply(false);
    return search;
  }
  const title = fix.title;
  const trainToo = `${title} and Train`;
  void vscode.window.showInformationMessage(`Loss Lens: ${verdict}`, title, trainToo).then(async (choice) => {
    if (choice === title || choice === trainToo) await apply(choice === trainToo);
  });
  return search;
}

/** Runs the sweep under a cancellable progress notification that names each measured stage. */
function sweepWithProgress(job: RangeTestJob, name: string, onPoint: (point: RangePoint) => void): Promise<RangeTestOutcome> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Loss Lens: learning-rate range test on "${name}"`, cancellable: true }, async (progress, token) => {
      const cancel = token.onCancellationRequested(() => job.stop());
      const stages = job.onDidProgress(({ point, stage, stages: planned }) => {
        onPoint(point);
        progress.report({ increment: 100 / planned, message: `rate ${fmt(point.learningRate)}: loss ${fmt(point.loss, 4)} (${stage + 1}/${planned})` });
      });
      try {
        return await job.done;
      } finally {
        cancel.dispose();
        stages.dispose();
      }
    }),
  );
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
