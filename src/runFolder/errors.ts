/** A run folder that cannot be created, written or read; the message names the folder or file (and the line). */
import { InputError } from '../model';

export class RunFolderError extends InputError {
  declare readonly file: string;

  constructor(message: string, file: string, line?: number) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`, { file, ...(line !== undefined ? { row: line } : {}) });
    this.name = 'RunFolderError';
  }

  /** The folder could not be made (e.g. `--out` names a file, or no permission). */
  static cannotCreate(dir: string, cause: unknown): RunFolderError {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const why = code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EEXIST' ? 'a file with that name exists' : ((cause as Error)?.message ?? String(cause));
    return new RunFolderError(`cannot create the run folder (${why})`, dir);
  }
}
