/** A run folder that cannot be created, written or read; the message names the folder or file (and the line). */
import { accessSync, constants, existsSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../model';

/** Why the nearest existing folder above `dir` cannot be written, if it cannot (a recursive mkdir on a read-only disk says only ENOENT). */
function unwritableAncestor(dir: string): string | undefined {
  let folder = path.resolve(dir);
  while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  try {
    accessSync(folder, constants.W_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `${folder} is ${code === 'EROFS' ? 'on a read-only file system (EROFS)' : `not writable (${code})`}`;
  }
}

export class RunFolderError extends InputError {
  declare readonly file: string;

  constructor(message: string, file: string, line?: number) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`, { file, ...(line !== undefined ? { row: line } : {}) });
    this.name = 'RunFolderError';
  }

  /** The folder could not be made (e.g. `--out` names a file, or no permission). */
  static cannotCreate(dir: string, cause: unknown): RunFolderError {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const why =
      code === 'ENOTDIR' ? 'a part of the path is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EEXIST' ? 'a file with that name exists'
      : code === 'EROFS' ? 'the file system is read-only (EROFS)'
      : code === 'ENOSPC' ? 'the disk is full (ENOSPC)'
      : (unwritableAncestor(dir) ?? (cause as Error)?.message ?? String(cause));
    return new RunFolderError(`cannot create the run folder (${why})`, dir);
  }
}
