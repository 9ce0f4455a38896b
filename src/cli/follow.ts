/**
 * `loss-lens diagnose PATH --follow`: every run under PATH read as it grows, each flag printed the
 * moment it is raised (one JSON object per line with --json), for a sidecar on a cluster job or a CI
 * step. `--fail-on LEVEL` exits 3 at the first flag of that level, so the job can be stopped early.
 * It ends once every run ended (the trainer's end marker, or --idle-timeout without a new record)
 * and no new run appeared within the idle timeout; Ctrl-C exits 130 with what was read.
 */
import { flagTitle, severityRank, type Flag } from '../model';
import { LogdirFollower } from '../sources/logdirFollower';
import { RunRecorder } from '../sources/runRecorder';
import type { SourcesOptions } from '../sources/sourceFor';
import type { DiagnoseCommand } from './diagnose';
import { hasReadings, jsonReport, reportRun } from './diagnose';
import { EXIT, STOP_SIGNALS, type StopSignal } from './exitCodes';
import { err, out } from './output';

/** A run without a new record for this long is taken to have ended (a trainer between epochs writes more often). */
export const DEFAULT_IDLE_TIMEOUT_S = 600;

export async function followRuns(command: DiagnoseCommand, options: SourcesOptions): Promise<number> {
  const idleMs = (command.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_S) * 1000;
  const recorders = new Map<string, RunRecorder>();
  let exitCode: number | undefined;
  let lastChange = Date.now();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const stopWith = (code: number): void => {
    if (exitCode === undefined) exitCode = code;
    finish();
  };
  const follower = new LogdirFollower(command.path, { ...options, idleTimeoutMs: idleMs }, ({ run, source }) => {
    const recorder = new RunRecorder();
    recorders.set(run.name, recorder);
    lastChange = Date.now();
    err(`following ${run.name} (${run.format})`);
    source.start((reading) => {
      recorder.take(reading);
      if (reading.type === 'run/didFlag') printFlag(run.name, reading.flag, command.json);
      if (reading.type === 'run/didFlag' && command.failOn && severityRank(reading.flag.severity) >= severityRank(command.failOn)) stopWith(EXIT.flagged);
      if (reading.type === 'run/didEnd') lastChange = Date.now();
    });
  });
  await follower.start();
  // Every run ended, and none appeared for the idle timeout: nothing more is coming.
  const idleCheck = setInterval(() => {
    const all = [...recorders.values()];
    if (all.every((r) => r.end) && Date.now() - lastChange > (recorders.size ? Math.min(idleMs, 2_000) : idleMs)) stopWith(EXIT.ok);
  }, 250);
  const onSignal = (signal: StopSignal): void => stopWith(STOP_SIGNALS[signal]);
  const listeners = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  try {
    await finished;
  } finally {
    clearInterval(idleCheck);
    for (const [signal, listener] of listeners) process.off(signal, listener);
    await follower.close();
  }
  // What was read: each run's summary (stderr), and its report (stdout).
  const runs = [...recorders.values()];
  for (const run of runs) if (run.end || hasReadings(run)) reportRun(run, command.json, runs.length > 1);
  if (command.json) out(JSON.stringify(jsonReport(runs)));
  if (exitCode === EXIT.ok && !runs.some(hasReadings)) {
    err(`loss-lens: ${command.path}: nothing to diagnose: no epoch or step records were read`);
    return EXIT.badInput;
  }
  return exitCode ?? EXIT.ok;
}

/** One flag as it is raised: a line for a person, or one JSON object per line. */
function printFlag(run: string, flag: Flag, json: boolean): void {
  if (json) out(JSON.stringify({ run, flag }));
  else err(`${run}: ${flag.severity} ${flagTitle(flag.kind)} (epoch ${flag.epoch}${flag.step !== undefined ? `, step ${flag.step}` : ''}): ${flag.message.split(/(?<=\.)\s/)[0]}`);
}
