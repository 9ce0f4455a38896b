import { InputError } from '../model';

/** A log that cannot be read; the message names the file and, where it applies, the line (1-based). */
export class LogError extends InputError {
  declare readonly file: string;

  constructor(
    message: string,
    file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`, { file, ...(line !== undefined ? { row: line } : {}) });
    this.name = 'LogError';
  }
}
