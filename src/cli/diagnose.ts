/**
 * `loss-lens diagnose PATH`: the detectors on a run folder or another trainer's log, read through
 * the same run sources as the editor's "Open Run", so both report the same flags.
 */
import { InputError, type RunReading } from '../model';
import { countRecords, endOf, readAll } from '../sources/runSource';
import { sourceFor } from '../sources/sourceFor';
import type { Command } from './args';
import { EXIT, failsOn } from './exitCodes';
import { CommandFailure } from './failure';
import { err, printReport } from './output';

export async function diagnose(command: Extract<Command, { command: 'diagnose' }>): Promise<number> {
  const readings = await readAll(sourceFor(command.path));
  const end = endOf(readings);
  if (!end) throw new InputError('nothing could be read', { file: command.path });
  if (end.state === 'failed' && end.failure.badInput) throw new CommandFailure(end.failure, end.stack);
  const { epochs, steps } = countRecords(readings);
  // An empty log is not a healthy run: "no problems found" would pass a CI gate on nothing.
  if (!epochs && !steps) throw new InputError('nothing to diagnose: no epoch or step records were read', { file: readFrom(command.path, readings) });
  err(readLine(command.path, readings));
  for (const reading of readings) if (reading.type === 'run/didStart') for (const note of reading.notes ?? []) err(`note: ${note}`);
  const diagnostics = end.diagnostics ?? { flags: [], calibration: null, suspectedMislabeled: [] };
  printReport(diagnostics, command.json);
  return failsOn(diagnostics.flags, command.failOn) ? EXIT.flagged : EXIT.ok;
}

/** The file or folder the source read. */
function readFrom(given: string, readings: readonly RunReading[]): string {
  const start = readings.find((r) => r.type === 'run/didStart');
  return start?.runDir ?? start?.files?.[0] ?? given;
}

/** "<path>: read as <format>, N epochs, M steps": what was read, so a user can check it. */
function readLine(given: string, readings: readonly RunReading[]): string {
  const format = readings.find((r) => r.type === 'run/didStart')?.format ?? 'a log';
  const { epochs, steps } = countRecords(readings);
  return `${readFrom(given, readings)}: read as ${format}, ${epochs} epoch${epochs === 1 ? '' : 's'}${steps ? `, ${steps} steps` : ''}`;
}
