/** A log that cannot be read; the message names the file and, where it applies, the line (1-based). */
export class LogError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'LogError';
  }
}
