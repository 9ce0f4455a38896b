/**
 * Training progress for a person. On a terminal: one line rewritten in place (epoch, losses,
 * accuracy, ETA); elsewhere (CI logs, pipes): one plain line per epoch, which logs keep readable.
 */
import type { EpochMetrics } from '../model';

export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const fixed = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
const percent = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : String(v));

/** "1m05s", "12s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function formatEpochLine(m: EpochMetrics, epochs: number, etaMs?: number): string {
  const width = String(epochs).length;
  const eta = etaMs === undefined ? '' : `  ETA ${formatDuration(etaMs)}`;
  // Short enough for an 80-column terminal: "loss a/b" is training / validation.
  return `epoch ${String(m.epoch).padStart(width)}/${epochs}  loss ${fixed(m.trainLoss)} / val ${fixed(m.valLoss)}  acc ${percent(m.trainAccuracy)} / val ${percent(m.valAccuracy)}${eta}`;
}

export class ProgressReporter {
  private startedAt = 0;
  private lineOpen = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private epochs = 0;
  private stepsPerEpoch = 0;

  start(epochs: number, stepsPerEpoch = 0): void {
    this.startedAt = this.now();
    this.epochs = epochs;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  /** Inside a long epoch, on a terminal only: where it is (plain logs get whole epochs only). */
  step(epoch: number, batch: number, loss: number): void {
    if (!this.sink.isTTY) return;
    const of = this.stepsPerEpoch ? `/${this.stepsPerEpoch}` : '';
    this.rewrite(`epoch ${epoch}/${this.epochs}  step ${batch + 1}${of}  loss ${fixed(loss)}`);
  }

  private rewrite(line: string): void {
    const width = this.sink.columns !== undefined && this.sink.columns > 0 ? this.sink.columns : 120;
    this.sink.write(`\r\x1b[2K${line.length > width - 1 ? line.slice(0, width - 1) : line}`);
    this.lineOpen = true;
  }

  epoch(m: EpochMetrics): void {
    // ETA from the mean wall time per epoch so far (validation included), times the epochs left.
    const elapsed = this.now() - this.startedAt;
    const eta = m.epoch > 0 ? (elapsed / m.epoch) * Math.max(0, this.epochs - m.epoch) : undefined;
    const line = formatEpochLine(m, this.epochs, eta);
    if (this.sink.isTTY) {
      this.rewrite(line);
    } else {
      this.sink.write(`${line}\n`);
    }
  }

  /** Prints a line of its own (a flag, a note) without garbling the live line. */
  note(text: string): void {
    if (this.lineOpen) this.sink.write('\r\x1b[2K');
    this.sink.write(`${text}\n`);
    this.lineOpen = false;
  }

  /** Ends the live line (keeps the last epoch's figures on screen). */
  end(): void {
    if (this.lineOpen) this.sink.write('\n');
    this.lineOpen = false;
  }
}
