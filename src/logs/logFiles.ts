/**
 * The file side of the readers: finds the runs under a path, keeps each file's position, reads only
 * what was appended (in chunks, so a log of any size reads in bounded memory), notices a file
 * rewritten (shorter, replaced, or with another beginning) and the files that appear (a resumed
 * run's second event file, a new checkpoint). The logic is written once, as generators of I/O
 * requests, and run either synchronously (a one-shot read) or asynchronously (following a run while
 * it trains) by the two small drivers at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogError } from './errors';
import { discoverRuns, HEAD_FILE, type DiscoveredRun, type ListedEntry } from './discoverRuns';
import { FORMAT_NAMES, type LogParser } from './logParser';
import { UpdateBuilder, type LogUpdate } from './logUpdate';
import { isEventFileName, TensorBoardParser } from './tensorboardParser';
import { CsvLogParser } from './csvLogParser';
import { HfStateParser } from './hfStateParser';
import { JsonlLogParser } from './jsonlLogParser';
import { NO_MAPPING, parseMetricsSidecar, type MetricsMapping } from './metricsSidecar';

/**
 * Bytes read from one file per request: the memory a reader needs is about this per file. 1 MiB
 * rather than more: a chunk and the update made of it then stay in the processor's caches (a
 * 1,000,000-record event file read 9% faster than with 2 MiB, 15% faster than with 4 MiB polls).
 */
export const CHUNK_BYTES = 1024 * 1024;
/** Bytes one poll reads at most (over all files): its update's size, and so the memory a consumer needs, is bounded by it. */
export const POLL_BYTES = 1024 * 1024;
/** A file read whole (trainer_state.json, a rewritten CSV) larger than this is refused with a note. */
export const MAX_WHOLE_BYTES = 512 * 1024 * 1024;
/** Listing a tree stops after this many entries (a workspace's whole disk is not a logs tree). */
export const MAX_LISTED = 50_000;
const HEAD_BYTES = 4096;
const SKIP_DIRS = new Set(['node_modules', '.git', '__pycache__', '.venv', 'venv']);

export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly kind: 'file' | 'dir' | 'other' | 'unreadable';
  /** Why it cannot be read, for 'unreadable' (a symbolic link loop, no permission). */
  readonly why?: string;
}

export type Io =
  | { readonly op: 'stat'; readonly path: string }
  /** `into`: a buffer to read into and hand back a view of (valid until the next read into it). */
  | { readonly op: 'read'; readonly path: string; readonly position: number; readonly length: number; readonly into?: Uint8Array }
  | { readonly op: 'list'; readonly dir: string };
type IoResult = FileStat | undefined | Uint8Array | { name: string; kind: 'file' | 'dir' | 'other' }[];
type IoGen<T> = Generator<Io, T, IoResult>;

function* stat(p: string): IoGen<FileStat | undefined> {
  return (yield { op: 'stat', path: p }) as FileStat | undefined;
}
function* read(p: string, position: number, length: number, into?: Uint8Array): IoGen<Uint8Array> {
  return (yield into ? { op: 'read', path: p, position, length, into } : { op: 'read', path: p, position, length }) as Uint8Array;
}
function* list(dir: string): IoGen<{ name: string; kind: 'file' | 'dir' | 'other' }[]> {
  return (yield { op: 'list', dir }) as { name: string; kind: 'file' | 'dir' | 'other' }[];
}

const describeKind = (s: FileStat | undefined): string =>
  s === undefined ? 'no such file or folder' : s.kind === 'dir' ? 'a folder, not a file' : s.kind === 'unreadable' ? (s.why ?? 'cannot be read') : 'not a regular file (a FIFO, a device or a socket)';

function firstLine(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
}

/** Lists a folder's tree for discoverRuns (bounded; symbolic links to folders are not followed). */
function* listTree(root: string): IoGen<ListedEntry[]> {
  const out: ListedEntry[] = [];
  const queue = [''];
  while (queue.length && out.length < MAX_LISTED) {
    const rel = queue.shift()!;
    for (const e of yield* list(path.join(root, rel))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.kind === 'dir') {
        if (!SKIP_DIRS.has(e.name)) {
          out.push({ path: p, kind: 'dir' });
          queue.push(p);
        }
      } else if (e.kind === 'file') out.push(yield* listedFile(root, p));
    }
  }
  return out;
}

function* listedFile(root: string, p: string): IoGen<ListedEntry> {
  const base = path.basename(p);
  if (HEAD_FILE.test(base)) return { path: p, kind: 'file', head: firstLine(yield* read(path.join(root, p), 0, HEAD_BYTES)) };
  if (base === 'trainer_state.json') {
    const s = yield* stat(path.join(root, p));
    return { path: p, kind: 'file', ...(s ? { mtimeMs: s.mtimeMs } : {}) };
  }
  return { path: p, kind: 'file' };
}

/** The runs at a path: a folder's (any depth), or the one a single log file holds. */
function* findRuns(target: string): IoGen<{ root: string; runs: DiscoveredRun[] }> {
  const s = yield* stat(target);
  if (s?.kind === 'dir') return { root: target, runs: discoverRuns(yield* listTree(target), path.basename(path.resolve(target))) };
  if (s?.kind !== 'file') throw new LogError(describeKind(s), target);
  const root = path.dirname(target);
  const base = path.basename(target);
  const entry = yield* listedFile(root, base);
  const runs = discoverRuns([entry], base).filter((r) => r.files.includes(base));
  const only = (format: DiscoveredRun['format']): DiscoveredRun[] => [{ name: base, dir: '', format, files: [base], predictions: [], only: true }];
  if (isEventFileName(base)) return { root, runs: only('tensorboard') };
  if (!runs.length && base.endsWith('.jsonl')) return { root, runs: only('jsonl') };
  if (!runs.length && base.endsWith('.json')) return { root, runs: only('hf-trainer-state') };
  // A sidecar beside the file counts for it.
  const sidecar = (yield* stat(path.join(root, 'losslens.metrics.json')))?.kind === 'file' ? 'losslens.metrics.json' : undefined;
  return { root, runs: runs.map((r) => ({ ...r, only: true as const, ...(sidecar && !r.sidecar ? { sidecar } : {}) })) };
}

export interface ReaderOptions {
  /** Metric names from the command line or a setting; they win over the run's sidecar file. */
  readonly mapping?: MetricsMapping;
  readonly chunkBytes?: number;
  readonly pollBytes?: number;
}

/** The parser of a run's format. */
export function parserFor(run: DiscoveredRun, mapping: MetricsMapping): LogParser {
  const options = { label: run.name, ...(mapping.overrides.size ? { overrides: mapping.overrides } : {}) };
  const columns = { ...(mapping.step ? { step: mapping.step } : {}), ...(mapping.epoch ? { epoch: mapping.epoch } : {}), ...(mapping.epochBase !== undefined ? { epochBase: mapping.epochBase } : {}) };
  switch (run.format) {
    case 'tensorboard':
      return new TensorBoardParser(options);
    case 'keras-csv':
      return new CsvLogParser({ kind: 'keras' }, options);
    case 'lightning-csv':
      return new CsvLogParser({ kind: 'lightning' }, options);
    case 'csv':
      return new CsvLogParser({ kind: 'generic', columns }, options);
    case 'jsonl':
      return new JsonlLogParser(options, columns);
    case 'hf-trainer-state':
      return new HfStateParser(options);
    case 'losslens-run':
      throw new LogError('a Loss Lens run folder: read it with the run-folder reader', run.dir || run.name);
  }
}

interface Tracked {
  offset: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** The file's first bytes and the bytes just before `offset`: either changed means it was rewritten. */
  prefix: Uint8Array;
  before: Uint8Array;
  problem?: string;
}

/** How many bytes of the beginning, and of what comes before the position, are compared at each poll. */
const CHECK_BYTES = 64;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function concatTail(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out.slice(Math.max(0, out.length - CHECK_BYTES));
}

/** One run's files and their positions. */
class RunFiles {
  private parser: LogParser | undefined;
  private readonly tracked = new Map<string, Tracked>();
  private files: string[];
  private readonly notes: string[] = [];
  private records = 0;
  /**
   * The buffer appended chunks are read into. Reused rather than allocated per chunk: a fresh 1 MB
   * buffer per read costs the page faults of new memory, about 5x the read itself (docs/logs.md,
   * "Size and speed").
   */
  private scratch: Uint8Array | undefined;
  /**
   * The last poll's budget ran out before every file was read to the end it saw: the next poll
   * reads on without listing the folder again (a file that appeared meanwhile is found by the first
   * poll after the backlog).
   */
  private backlog = false;

  constructor(
    private readonly root: string,
    readonly run: DiscoveredRun,
    private readonly options: ReaderOptions,
  ) {
    this.files = [...run.files];
  }

  get recordsRead(): number {
    return this.records;
  }

  *poll(): IoGen<LogUpdate> {
    const parser = (this.parser ??= parserFor(this.run, yield* this.mapping()));
    if (!this.backlog) yield* this.refreshFiles();
    const chunk = this.options.chunkBytes ?? CHUNK_BYTES;
    const appending: { rel: string; t: Tracked; end: number }[] = [];
    for (const rel of this.files) {
      const abs = path.join(this.root, rel);
      const s = yield* stat(abs);
      let t = this.tracked.get(rel);
      if (s?.kind !== 'file') {
        if (t && !t.problem) this.notes.push(`${this.run.name}/${rel}: ${describeKind(s)} any more: stopped reading it`);
        if (t) t.problem = describeKind(s);
        else if (s) {
          this.tracked.set(rel, { offset: 0, ino: 0, size: 0, mtimeMs: 0, prefix: new Uint8Array(0), before: new Uint8Array(0), problem: describeKind(s) });
          this.notes.push(`${this.run.name}/${rel}: ${describeKind(s)}: skipped`);
        }
        continue;
      }
      if (!t) this.tracked.set(rel, (t = { offset: 0, ino: s.ino, size: -1, mtimeMs: -1, prefix: new Uint8Array(0), before: new Uint8Array(0) }));
      delete t.problem;
      const changed = s.size !== t.size || s.mtimeMs !== t.mtimeMs || s.ino !== t.ino;
      if (!changed) {
        // Unchanged, but not read to its end yet (the last poll's budget ran out).
        if (parser.writes === 'append' && t.offset < s.size) appending.push({ rel, t, end: s.size });
        continue;
      }
      if (parser.writes === 'whole') {
        if (s.size > MAX_WHOLE_BYTES) {
          this.notes.push(`${this.run.name}/${rel}: ${s.size} bytes, more than the ${MAX_WHOLE_BYTES} read whole: skipped`);
        } else parser.reread(this.inRun(rel), yield* read(abs, 0, s.size));
        [t.size, t.mtimeMs, t.ino, t.offset] = [s.size, s.mtimeMs, s.ino, s.size];
        this.records++;
        continue;
      }
      let rewritten = s.ino !== t.ino || s.size < t.offset;
      if (!rewritten && t.prefix.length) rewritten = !sameBytes(yield* read(abs, 0, t.prefix.length), t.prefix);
      if (!rewritten && t.before.length) rewritten = !sameBytes(yield* read(abs, t.offset - t.before.length, t.before.length), t.before);
      [t.size, t.mtimeMs, t.ino] = [s.size, s.mtimeMs, s.ino];
      if (rewritten) {
        t.offset = 0;
        t.prefix = new Uint8Array(0);
        t.before = new Uint8Array(0);
        if (parser.format === 'tensorboard') parser.reread(this.inRun(rel), new Uint8Array(0));
        else if (s.size > MAX_WHOLE_BYTES) {
          this.notes.push(`${this.run.name}/${rel}: rewritten, and ${s.size} bytes is more than the ${MAX_WHOLE_BYTES} read whole: skipped`);
          t.offset = s.size;
          continue;
        } else {
          const bytes = yield* read(abs, 0, s.size);
          parser.reread(this.inRun(rel), bytes);
          t.offset = bytes.length;
          t.prefix = bytes.slice(0, CHECK_BYTES);
          t.before = bytes.slice(Math.max(0, bytes.length - CHECK_BYTES));
          continue;
        }
      }
      if (s.size > t.offset) appending.push({ rel, t, end: s.size });
    }
    for (const a of appending) parser.feed(this.inRun(a.rel), new Uint8Array(0), true);
    // A chunk at a time: next the file the parser's merge waits on, or else each in turn.
    let budget = this.options.pollBytes ?? POLL_BYTES;
    for (let turn = 0; appending.length && budget > 0; ) {
      const i = parser.waitsOn?.(appending.map((a) => this.inRun(a.rel))) ?? turn % appending.length;
      const a = appending[i]!;
      const bytes = yield* read(path.join(this.root, a.rel), a.t.offset, Math.min(chunk, budget, a.end - a.t.offset), (this.scratch ??= new Uint8Array(chunk)));
      budget -= bytes.length;
      if (a.t.prefix.length < CHECK_BYTES && a.t.offset === 0) a.t.prefix = bytes.slice(0, CHECK_BYTES);
      a.t.offset += bytes.length;
      a.t.before = bytes.length >= CHECK_BYTES ? bytes.slice(bytes.length - CHECK_BYTES) : concatTail(a.t.before, bytes);
      const done = !bytes.length || a.t.offset >= a.end;
      parser.feed(this.inRun(a.rel), bytes, !done);
      if (done) appending.splice(i, 1);
      else turn = i + 1;
    }
    this.backlog = appending.length > 0;
    const u = this.withNotes(parser.take());
    return this.backlog ? { ...u, more: true } : u;
  }

  /** A file's path within the run's folder: what the parser names series and notes by. */
  private inRun(rel: string): string {
    return this.run.dir ? path.posix.relative(this.run.dir, rel) : rel;
  }

  finish(): LogUpdate {
    return this.withNotes(this.parser ? this.parser.finish() : new UpdateBuilder().take());
  }

  private withNotes(u: LogUpdate): LogUpdate {
    this.records += u.records;
    if (!this.notes.length) return u;
    const notes = [...this.notes.splice(0), ...u.notes];
    return { ...u, notes };
  }

  private *mapping(): IoGen<MetricsMapping> {
    const given = this.options.mapping ?? NO_MAPPING;
    if (!this.run.sidecar) return given;
    const file = path.join(this.root, this.run.sidecar);
    const s = yield* stat(file);
    if (s?.kind !== 'file' || s.size > 1024 * 1024) return given;
    const fromFile = parseMetricsSidecar(new TextDecoder().decode(yield* read(file, 0, s.size)), file);
    return { ...fromFile, ...given, overrides: new Map([...fromFile.overrides, ...given.overrides]) };
  }

  /** Files that appeared: a resumed run's new event file, Hugging Face's newest checkpoint. */
  private *refreshFiles(): IoGen<void> {
    const dir = path.join(this.root, this.run.dir);
    if (this.run.only) return;
    if (this.run.format === 'tensorboard') {
      const found = new Set(this.files);
      for (const e of yield* list(dir)) {
        if (e.kind === 'file' && isEventFileName(e.name)) found.add(path.posix.join(this.run.dir, e.name));
        else if (e.kind === 'dir') for (const f of yield* list(path.join(dir, e.name))) if (f.kind === 'file' && isEventFileName(f.name)) found.add(path.posix.join(this.run.dir, e.name, f.name));
      }
      this.files = [...found].sort();
    } else if (this.run.format === 'hf-trainer-state') {
      const candidates: ListedEntry[] = [];
      for (const e of yield* list(dir)) {
        const rel = e.kind === 'file' && e.name === 'trainer_state.json' ? e.name : e.kind === 'dir' && /^checkpoint-\d+$/.test(e.name) ? `${e.name}/trainer_state.json` : undefined;
        if (!rel) continue;
        const s = yield* stat(path.join(dir, rel));
        if (s?.kind === 'file') candidates.push({ path: path.posix.join(this.run.dir, rel), kind: 'file', mtimeMs: s.mtimeMs });
      }
      const newest = discoverRuns(candidates, this.run.name).find((r) => r.format === 'hf-trainer-state')?.files[0];
      if (newest) this.files = [newest];
    }
  }
}

// ------------------------------------------------------------------------------------- drivers

function runSync<T>(gen: IoGen<T>): T {
  let next = gen.next();
  while (!next.done) {
    const io = next.value;
    let result: IoResult;
    if (io.op === 'stat') result = statSync(io.path);
    else if (io.op === 'read') result = readSync(io.path, io.position, io.length, io.into);
    else result = fs.readdirSync(io.dir, { withFileTypes: true }).map((d) => ({ name: d.name, kind: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other' }));
    next = gen.next(result);
  }
  return next.value;
}

async function runAsync<T>(gen: IoGen<T>): Promise<T> {
  let next = gen.next();
  while (!next.done) {
    const io = next.value;
    let result: IoResult;
    if (io.op === 'stat') result = await statAsync(io.path);
    else if (io.op === 'read') result = await readAsync(io.path, io.position, io.length, io.into);
    else result = (await fs.promises.readdir(io.dir, { withFileTypes: true })).map((d) => ({ name: d.name, kind: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other' }));
    next = gen.next(result);
  }
  return next.value;
}

const toStat = (s: fs.Stats): FileStat => ({ size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other' });

/** A stat that failed: missing is undefined; anything else is named (ELOOP, EACCES), never called "missing". */
function statFailure(e: unknown): FileStat | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  const why = code === 'ELOOP' ? 'a symbolic link loop' : code === 'EACCES' || code === 'EPERM' ? 'not readable (permission denied)' : `cannot be read (${code ?? String(e)})`;
  return { size: 0, mtimeMs: 0, ino: 0, kind: 'unreadable', why };
}

function statSync(p: string): FileStat | undefined {
  try {
    return toStat(fs.statSync(p));
  } catch (e) {
    return statFailure(e);
  }
}
async function statAsync(p: string): Promise<FileStat | undefined> {
  try {
    return toStat(await fs.promises.stat(p));
  } catch (e) {
    return statFailure(e);
  }
}

function readSync(p: string, position: number, length: number, into?: Uint8Array): Uint8Array {
  const fd = fs.openSync(p, 'r');
  try {
    const buf = into && into.length >= length ? into : Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const got = fs.readSync(fd, buf, n, length - n, position + n);
      if (!got) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
async function readAsync(p: string, position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
  const h = await fs.promises.open(p, 'r');
  try {
    const buf = into && into.length >= length ? into : Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const { bytesRead } = await h.read(buf, n, length - n, position + n);
      if (!bytesRead) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    await h.close();
  }
}

// ------------------------------------------------------------------------------------- the API

/** A run being followed: each poll reads what was appended since the last. */
export interface LogReader {
  readonly run: DiscoveredRun;
  readonly format: string;
  /** Reads what was appended since the last poll (everything, the first time). */
  poll(): Promise<LogUpdate>;
  /** The run ended (the update's `ended`, an idle timeout, Ctrl-C): pending epochs become final. */
  finish(): LogUpdate;
  /** Records read so far, over all polls: 0 means the log had nothing in it. */
  readonly recordsRead: number;
}

/** The runs under a folder (or in a log file), for following; `root` is what their paths are relative to. */
export async function findLogRuns(target: string): Promise<{ root: string; runs: DiscoveredRun[] }> {
  return runAsync(findRuns(target));
}

export function findLogRunsSync(target: string): { root: string; runs: DiscoveredRun[] } {
  return runSync(findRuns(target));
}

export function openLogReader(root: string, run: DiscoveredRun, options: ReaderOptions = {}): LogReader {
  const files = new RunFiles(root, run, options);
  return {
    run,
    format: run.format === 'losslens-run' ? 'loss-lens run folder' : FORMAT_NAMES[run.format],
    poll: () => runAsync(files.poll()),
    finish: () => files.finish(),
    get recordsRead() {
      return files.recordsRead;
    },
  };
}

/** Reads a run whole, now (a finished log, or what a running one has so far), as one update. */
export function readRunSync(root: string, run: DiscoveredRun, options: ReaderOptions = {}): { update: LogUpdate[]; records: number } {
  const files = new RunFiles(root, run, options);
  const updates: LogUpdate[] = [];
  do updates.push(runSync(files.poll()));
  while (updates[updates.length - 1]!.more);
  updates.push(files.finish());
  return { update: updates, records: files.recordsRead };
}
