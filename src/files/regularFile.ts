/**
 * Opening the files a config or a command names (data, the config itself, `model.init`)
 * only when they are regular files, with the true cause named when they are not: a folder, a pipe
 * (FIFO), a device (/dev/zero), a socket, a symbolic link loop, a missing file. Those readers go
 * through here, so none can hang on a FIFO or read a device without end (the log readers have
 * their own check, src/logs/logFiles.ts).
 *
 * Opening uses O_NONBLOCK, so a FIFO's open returns at once instead of waiting for a writer, and
 * the type is taken with fstat on the open descriptor: no race between the check and the read.
 */
import { constants as fsConstants, lstatSync, promises as fsp, realpathSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { SHOWN, WITHHELD, formatCount, type Quoting } from '../text/quote';

/** A path that is not a readable regular file; `message` is the cause in words ("it is a directory, ..."). */
export class FileAccessError extends Error {
  constructor(
    readonly path: string,
    message: string,
    /** The errno code when the system refused (ENOENT, ELOOP, EACCES, ...). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FileAccessError';
  }
}

/** O_NONBLOCK does not exist on Windows (which has no FIFOs on the file system). */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/** What a non-regular file is, in the words of the messages ("a directory", "a pipe", ...). */
function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a pipe';
  if (stat.isSocket()) return 'a socket';
  return 'a device';
}

function notRegular(path: string, stat: Stats): FileAccessError {
  const kind = kindOf(stat);
  const why = kind === 'a pipe' ? ' (a FIFO: reading it would wait for a writer)' : kind === 'a device' ? ' (reading it may never end)' : '';
  return new FileAccessError(path, `it is ${kind}, not a regular file${why}`);
}

/** The cause of a failed open or stat, in words; a dangling symbolic link is told from a missing file. */
export function describeFsError(path: string, err: unknown): FileAccessError {
  if (err instanceof FileAccessError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': {
      let dangling = false;
      try {
        dangling = lstatSync(path).isSymbolicLink();
      } catch {
        // The path itself is missing.
      }
      return new FileAccessError(path, dangling ? 'no such file (it is a symbolic link to a file that does not exist)' : 'no such file', code);
    }
    case 'ELOOP':
      return new FileAccessError(path, 'it is a symbolic link loop (ELOOP: the links point at each other), not a regular file', code);
    case 'ENOTDIR':
      return new FileAccessError(path, 'a part of the path is a file, not a folder', code);
    case 'EISDIR':
      return new FileAccessError(path, 'it is a directory, not a regular file', code);
    case 'EACCES':
    case 'EPERM':
      return new FileAccessError(path, 'permission denied', code);
    case 'ENAMETOOLONG':
      return new FileAccessError(path, 'the path is too long', code);
    default:
      return new FileAccessError(path, (err as Error | undefined)?.message ?? String(err), code);
  }
}

/**
 * Why `path` is not a regular file, or undefined when it is one. A stat only (it never opens the
 * path, so a FIFO cannot block): for the config validator, which runs on every keystroke.
 */
export function regularFileProblem(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? undefined : notRegular(path, stat).message;
  } catch (err) {
    return describeFsError(path, err).message;
  }
}

/** Opens `path` for reading if it is a regular file; throws FileAccessError naming the cause. */
export async function openRegularFile(path: string): Promise<fsp.FileHandle> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, OPEN_FLAGS);
  } catch (err) {
    throw describeFsError(path, err);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw notRegular(path, stat);
    return handle;
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw describeFsError(path, err);
  }
}

function tooLarge(path: string, size: number, maxBytes: number): FileAccessError {
  return new FileAccessError(path, `it is ${formatCount(size)} bytes, more than the ${formatCount(maxBytes)} bytes this file may have`, 'EFBIG');
}

/** The whole of a regular file, refused past `maxBytes` (checked before reading). */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await openRegularFile(path);
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooLarge(path, size, maxBytes);
    return await handle.readFile();
  } catch (err) {
    throw describeFsError(path, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Whether `file` lies inside one of `folders`, after symbolic links (a link in the workspace to
 * ~/.aws/credentials is outside). A path that cannot be resolved is outside: it is not read anyway.
 */
export function isInsideFolders(file: string, folders: readonly string[]): boolean {
  const real = (p: string): string | undefined => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const target = real(file);
  if (target === undefined) return false;
  return folders.some((folder) => {
    const root = real(folder);
    if (root === undefined) return false;
    const relative = path.relative(root, target);
    return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
  });
}

/**
 * How messages may quote a file a config names: in full (bounded) inside the config's folder or
 * the workspace, not at all elsewhere, since a config can name any path (~/.aws/credentials).
 */
export function quotingFor(file: string, folders: readonly string[]): Quoting {
  return isInsideFolders(file, folders) ? SHOWN : WITHHELD;
}
