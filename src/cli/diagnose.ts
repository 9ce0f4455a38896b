/**
 * `loss-lens diagnose PATH`: the detectors on a run folder or another trainer's log, read through
 * the same run sources as the editor's "Open Run", so both report the same flags.
 */
import { InputError, type RunReading } from '../model';
import { endOf, readAll } from '../sources/runSource';
import { sourceFor } from '../sources/sourceFor';
import type { Command } from './args';
import { EXIT, failsOn } from './exitCodes';
import { CommandFailure } from './failure';
import { err, printReport } from './output';

export async function diagnose(command: Extract<Command, { command: 'diagnose' }>): Promise<number> {
  const readings = await readAll(sourceFor(command.path));
  const end = endOf(readings);
  if (!end) throw new InputError('nothing could be read', { file: command.path });
  if (end.state === 'failed') throw new CommandFailure(end.failure, end.stack);
  err(readLine(command.path, readings));
  for (const reading of readings) if (reading.type === 'run/didStart') for (const note of reading.notes ?? []) err(`note: ${note}`);
  const diagnostics = end.diagnostics ?? { flags: [], calibration: null, suspectedMislabeled: [] };
  printReport(diagnostics, command.json);
  return failsOn(diagnostics.flags, command.failOn) ? EXIT.flagged : EXIT.ok;
}

/** "<path>: read as <format>, N epochs, M steps": what was read, so a user can check it. */
function readLine(given: string, readings: readonly RunReading[]): string {
  const start = readings.find((r) => r.type === 'run/didStart');
  let epochs = 0;
  let steps = 0;
  for (const r of readings) {
    if (r.type !== 'run/didProgress') continue;
    epochs += r.epochs.length;
    steps += r.steps.length;
  }
  const file = start?.runDir ?? start?.files?.[0] ?? given;
  return `${file}: read as ${start?.format ?? 'a log'}, ${epochs} epoch${epochs === 1 ? '' : 's'}${steps ? `, ${steps} steps` : ''}`;
}
