/**
 * Reads metrics.jsonl. A run that is still going, or was killed, may end in a partly written line:
 * a last line that does not parse is ignored (and reported), while a bad line before it is an error
 * naming the line, since that is corruption rather than a write in progress.
 */
import { RunFolderError } from './errors';
import type { EpochMetrics, StepRecord } from '../model';
import { toRecord } from './records';

export interface MetricsLog {
  readonly epochs: EpochMetrics[];
  readonly steps: StepRecord[];
  /** True when the last line was incomplete and skipped. */
  readonly partialLastLine: boolean;
}

export function parseMetricsJsonl(text: string, file: string): MetricsLog {
  const epochs: EpochMetrics[] = [];
  const steps: StepRecord[] = [];
  const lines = text.split('\n');
  // Index of the last non-empty line: only it may be partial.
  let last = lines.length - 1;
  while (last >= 0 && !lines[last]!.trim()) last--;
  let partialLastLine = false;
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === last) {
        partialLastLine = true;
        break;
      }
      throw new RunFolderError('not a JSON object (metrics.jsonl has one JSON object per line)', file, i + 1);
    }
    const record = toRecord(value);
    if (record.kind === 'epoch') epochs.push(record.metrics);
    else if (record.kind === 'step') steps.push(record.step);
  }
  return { epochs, steps, partialLastLine };
}

/** What metrics.jsonl gained since `offset` (a byte position after a whole line): its complete new lines only. */
export interface MetricsTail extends Omit<MetricsLog, 'partialLastLine'> {
  /** Where the next read starts: after the last complete line. */
  readonly offset: number;
}

/**
 * Reads the lines appended to metrics.jsonl since `offset`, for following a run another process
 * writes. A line still being written waits for the next read; a line that does not parse is skipped.
 */
export async function readMetricsFrom(file: string, offset: number): Promise<MetricsTail> {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { epochs: [], steps: [], offset: Math.min(offset, size) };
    const bytes = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset);
    const end = bytes.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (end < 0) return { epochs: [], steps: [], offset };
    const epochs: EpochMetrics[] = [];
    const steps: StepRecord[] = [];
    for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const record = toRecord(value);
      if (record.kind === 'epoch') epochs.push(record.metrics);
      else if (record.kind === 'step') steps.push(record.step);
    }
    return { epochs, steps, offset: offset + end + 1 };
  } finally {
    await handle.close();
  }
}
