/** What the validator reports: one entry per mistake, with the exact character range to underline. */
export type KeyPath = readonly (string | number)[];

export interface ConfigProblem {
  /** What is wrong, for a person; ends with ` (did you mean "x"?)` when there is a suggestion. */
  readonly message: string;
  /** The key path of the offending key or value, e.g. ["optimizer", "learningRate"]. */
  readonly path: KeyPath;
  /** Character offset and length in the config text (for the editor's Problems panel). */
  readonly offset: number;
  readonly length: number;
  readonly severity: 'error' | 'warning';
  /** The replacement the editor can offer (a key name, an enum value, or a dotted key path). */
  readonly suggestion?: string;
}

/** `optimizer.learningRate`, `model.hidden[1]`; the empty path is the whole file. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** 1-based line and column of a character offset, for problems that have no key (syntax errors). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** `<file>: <key.path>: <what is wrong>`, or `<file>: line L, column C: ...` when there is no key. */
export function formatProblem(file: string, problem: ConfigProblem, text?: string): string {
  if (problem.path.length) return `${file}: ${formatKeyPath(problem.path)}: ${problem.message}`;
  if (text !== undefined) {
    const { line, column } = lineAndColumn(text, problem.offset);
    return `${file}: line ${line}, column ${column}: ${problem.message}`;
  }
  return `${file}: ${problem.message}`;
}
