import { InputError } from '../model';

/** The run folder cannot be created or written (e.g. `--out` names a file, or no permission). */
export class RunFolderError extends InputError {
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const why = code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EEXIST' ? 'a file with that name exists' : ((cause as Error)?.message ?? String(cause));
    super(`${dir}: cannot create the run folder (${why})`, { file: dir });
    this.name = 'RunFolderError';
  }
}
