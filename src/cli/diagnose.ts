/**
 * `loss-lens diagnose PATH`: the detectors on a run folder or another trainer's logs, read through
 * the same run sources as the editor's "Open Log or Run Folder...", so both report the same flags.
 * A folder of many runs reports each; `--follow` reads them as they grow (follow.ts).
 */
import * as path from 'node:path';
import { parseMetricArgs } from '../logs/metricsSidecar';
import { InputError, type DiagnosticsReport } from '../model';
import { diagnosticsContent, epochLine } from '../runFolder';
import { record, type RunRecorder } from '../sources/runRecorder';
import { sourcesFor, type SourcesOptions } from '../sources/sourceFor';
import type { Command } from './args';
import { EXIT, failsOn } from './exitCodes';
import { CommandFailure } from './failure';
import { followRuns } from './follow';
import { err, out } from './output';
import { formatDiagnostics } from './summary';

export type DiagnoseCommand = Extract<Command, { command: 'diagnose' }>;

export async function diagnose(command: DiagnoseCommand): Promise<number> {
  const options: SourcesOptions = {
    ...(command.metrics ? { mapping: parseMetricArgs(command.metrics) } : {}),
    ...(command.filter !== undefined ? { filter: command.filter } : {}),
  };
  if (command.follow) return followRuns(command, options);
  const { sources } = await sourcesFor(command.path, options);
  if (!sources.length) throw new InputError(command.filter !== undefined ? `no run matches the filter "${command.filter}"` : 'no run found', { file: command.path });
  const runs: RunRecorder[] = [];
  for (const source of sources) runs.push(await record(source));
  const usable = runs.filter(hasReadings);
  // No run gave anything to judge: that is the answer (bad input, exit 2), never "no problems found"
  // (a CI gate on an empty log would pass). Some did: the others are named.
  if (!usable.length) {
    const failed = runs.find((r) => r.end?.state === 'failed' && r.end.failure.badInput)?.end;
    if (failed?.state === 'failed') throw new CommandFailure(failed.failure, failed.stack);
    const where = runs[0]!.start?.runDir ?? runs[0]!.start?.files?.[0] ?? command.path;
    throw new InputError('nothing to diagnose: no epoch or step records were read', { file: where });
  }
  for (const run of runs) reportRun(run, command.json, runs.length > 1);
  if (command.json) out(JSON.stringify(jsonReport(runs), null, 2));
  return usable.some((r) => failsOn(reportOf(r).flags, command.failOn)) ? EXIT.flagged : EXIT.ok;
}

/** A run that was read and gave epoch or step records. */
export function hasReadings(run: RunRecorder): boolean {
  return run.end?.state !== 'failed' && (run.epochs.size > 0 || run.steps > 0);
}

/** The run's final report (an unfinished snapshot's flags so far). */
export function reportOf(run: RunRecorder): DiagnosticsReport {
  const end = run.end;
  if (end && end.diagnostics) return end.diagnostics;
  return { flags: [...run.flags.values()], calibration: null, suspectedMislabeled: [] };
}

/** The deepest folder holding all of `files` (a TensorBoard run's event files, some in sub-folders): the run's folder. */
function commonFolder(files: readonly string[]): string {
  const parts = files.map((f) => path.dirname(f).split(path.sep));
  const first = parts[0]!;
  let n = 0;
  while (n < first.length && parts.every((p) => p[n] === first[n])) n++;
  return first.slice(0, n).join(path.sep) || path.sep;
}

/** What was read: "<path>: read as <format>, N epochs, M steps" and its notes (stderr), then the summary (stdout). */
export function reportRun(run: RunRecorder, json: boolean, named: boolean): void {
  const start = run.start;
  const files = start?.files ?? [];
  const where = start?.runDir ?? (files.length > 1 ? commonFolder(files) : files[0]) ?? start?.name ?? '';
  if (run.end?.state === 'failed') {
    err(`${named ? `${start?.name ?? where}: ` : ''}not read: ${run.end.failure.message}`);
    return;
  }
  const epochs = run.epochs.size;
  err(`${where}: read as ${start?.format ?? 'a log'}, ${epochs} epoch${epochs === 1 ? '' : 's'}${run.steps ? `, ${run.steps} steps` : ''}`);
  for (const note of run.notes) err(`note: ${note}`);
  if (run.end && 'note' in run.end && run.end.note) err(`note: ${run.end.note}`);
  if (!json) out(`${named ? `== ${start?.name ?? where}\n` : ''}${formatDiagnostics(reportOf(run))}`);
}

/**
 * `--json`: diagnostics.json's three keys for the run (for one run, at the top level as before), and
 * `runs`: for every run what was read (its name, format, files, epoch records in metrics.jsonl's
 * shape, step count, notes) beside its report, so a script can check the reading against the
 * trainer's own numbers.
 */
export function jsonReport(runs: readonly RunRecorder[]): Record<string, unknown> {
  const each = runs.map((run) => {
    const report = run.end?.state === 'failed' ? undefined : reportOf(run);
    return {
      name: run.start?.name ?? null,
      format: run.start?.format ?? null,
      files: run.start?.files ?? (run.start?.runDir ? [run.start.runDir] : []),
      epochs: run.epochList().map((e) => JSON.parse(epochLine(e)) as unknown),
      steps: run.steps,
      notes: run.notes,
      ...(report ? diagnosticsContent(report) : { error: run.end?.state === 'failed' ? run.end.failure.message : 'not read' }),
    };
  });
  const only = runs.length === 1 && runs[0]!.end?.state !== 'failed' ? reportOf(runs[0]!) : undefined;
  return { ...(only ? diagnosticsContent(only) : {}), runs: each };
}
