/** Where the CLI writes: results to stdout (so `--json` can be piped), everything for a person to stderr. */
import type { DiagnosticsReport } from '../model';
import { diagnosticsContent } from '../runFolder';
import { formatDiagnostics } from './summary';

export const out = (text: string): void => void process.stdout.write(`${text}\n`);
export const err = (text: string): void => void process.stderr.write(`${text}\n`);

/** diagnostics.json's content as JSON, or the readable summary. */
export function printReport(report: DiagnosticsReport, json: boolean): void {
  out(json ? JSON.stringify(diagnosticsContent(report), null, 2) : formatDiagnostics(report));
}
