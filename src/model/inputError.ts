/**
 * Bad input: a mistake in what the user gave (a config, a data file, a model.json, a log, a run
 * folder), as opposed to a bug. Every such error extends InputError and says where: the file, and
 * the key path or the row and column. `describeFailure` is the one place that turns any error into
 * what the CLI prints (exit 2 for bad input, 1 otherwise) and what the editor shows.
 */

export interface InputLocation {
  /** The file at fault, as the user wrote it (or a bundled dataset's name). */
  readonly file?: string;
  /** The dotted config key at fault, e.g. `loss.classWeights`. */
  readonly key?: string;
  /** 1-based row (a table's header is row 1) or line. */
  readonly row?: number;
  /** A column name, or a 1-based column number. */
  readonly column?: string | number;
}

export class InputError extends Error implements InputLocation {
  readonly file?: string;
  readonly key?: string;
  readonly row?: number;
  readonly column?: string | number;

  constructor(message: string, where: InputLocation = {}) {
    super(message);
    this.name = 'InputError';
    if (where.file !== undefined) this.file = where.file;
    if (where.key !== undefined) this.key = where.key;
    if (where.row !== undefined) this.row = where.row;
    if (where.column !== undefined) this.column = where.column;
  }
}

export interface Failure extends InputLocation {
  /** What to tell the user: names the file and, where it applies, the key or the row and column. */
  readonly message: string;
  /** True for a mistake in the input (exit 2), false for a bug (exit 1). */
  readonly badInput: boolean;
}

/**
 * The message and class of any error. For bad input, the parts of the location the message does not
 * already state are put in front of it, so the user always learns where to look.
 */
export function describeFailure(error: unknown): Failure {
  if (!(error instanceof InputError)) return { message: error instanceof Error ? error.message : String(error), badInput: false };
  const m = error.message;
  const where = [
    error.file !== undefined && !m.includes(error.file) ? error.file : undefined,
    error.key !== undefined && !m.includes(error.key) ? error.key : undefined,
    error.row !== undefined && !/\b(row|line)\b|:\d+:/i.test(m) ? `row ${error.row}` : undefined,
    // A message that speaks of a column already says which (or withholds it: a file outside the workspace).
    error.column !== undefined && !/\bcolumn\b/i.test(m) && !m.includes(String(error.column)) ? `column ${typeof error.column === 'number' ? error.column : `"${error.column}"`}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return {
    message: where.length ? `${where.join(', ')}: ${m}` : m,
    badInput: true,
    ...(error.file !== undefined ? { file: error.file } : {}),
    ...(error.key !== undefined ? { key: error.key } : {}),
    ...(error.row !== undefined ? { row: error.row } : {}),
    ...(error.column !== undefined ? { column: error.column } : {}),
  };
}
