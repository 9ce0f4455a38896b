import { InputError } from '../model';
import { formatKeyPath, formatProblem, type ConfigProblem, type KeyPath } from './problems';

/**
 * A config that cannot be used. The message names the file and the key path, one line per problem:
 * `<file>: <key.path>: <what is wrong>[ (did you mean "x"?)]`. The CLI prints it as is (exit 2).
 */
export class ConfigError extends InputError {
  declare readonly file: string;

  constructor(
    file: string,
    readonly problems: readonly ConfigProblem[],
    text?: string,
  ) {
    const first = problems[0];
    super(problems.map((p) => formatProblem(file, p, text)).join('\n'), { file, ...(first && first.path.length ? { key: formatKeyPath(first.path) } : {}) });
    this.name = 'ConfigError';
  }

  /** One problem found after validation (e.g. once the data's classes are known), without a text range. */
  static at(file: string, path: KeyPath, message: string, suggestion?: string): ConfigError {
    const full = suggestion === undefined ? message : `${message} (did you mean "${suggestion}"?)`;
    return new ConfigError(file, [{ message: full, path, offset: 0, length: 0, severity: 'error', ...(suggestion === undefined ? {} : { suggestion }) }]);
  }
}
