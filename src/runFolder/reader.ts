/**
 * Reads a run folder back (docs/run-folder.md): the one reader behind the dashboard, the sidebar's
 * past runs, `loss-lens diagnose` and the tests, synchronous or asynchronous over one parser. Only
 * metrics.jsonl is required; the other files are absent while a run is going, and a broken one
 * becomes a note: it never hides the metrics.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { checkedDiagnostics } from '../diagnostics/persisted';
import { openRegularFile, regularFileProblem, type FileAccessError } from '../files/regularFile';
import { parseModelJson, type ModelJson } from '../engine/modelJson';
import type { DiagnosticsReport, RunState } from '../model';
import { RunFolderError } from './errors';
import { RUN_FILES } from './layout';
import { parseMetricsJsonl, type MetricsLog } from './metricsJsonl';
import { parsePredictionsCsv, predictionClasses, type PredictionsTable } from './predictions';
import { effectiveState, parseLock, parseStatus, type RunLock, type RunStatus } from './status';

export interface RunFolder extends MetricsLog {
  readonly dir: string;
  /** config.json as written (every default filled in), if present. */
  readonly config?: Record<string, unknown>;
  /** diagnostics.json, present once the run finished; its fixes are checked (diagnostics/persisted.ts). */
  readonly diagnostics?: DiagnosticsReport;
  /** predictions.csv's rows (absent when read with `predictions: 'header'`). */
  readonly predictions?: PredictionsTable;
  /** The class names, from predictions.csv or model.json. */
  readonly classes?: readonly string[];
  readonly model?: ModelJson;
  /** How the run stands: status.json, believed "running" only while its writer lives (status.ts). */
  readonly status?: RunStatus;
  readonly state?: RunState;
  /** The writer holding the folder, if one does. */
  readonly lock?: RunLock;
  /** What the reader wants the user to know: a partial last line, an optional file it could not read. */
  readonly notes: readonly string[];
  /** The bytes of metrics.jsonl's complete lines: where a follower reads on from (readMetricsFrom). */
  readonly metricsBytes: number;
}

export interface ReadRunFolderOptions {
  /** 'rows' (default) reads predictions.csv whole; 'header' reads only its class names (for lists of many runs). */
  readonly predictions?: 'rows' | 'header';
  /** Read model.json (default true). */
  readonly model?: boolean;
}

/** The folder's files as text; `predictions` may hold only the header line. */
interface FolderTexts {
  readonly metrics: string;
  readonly status?: string;
  readonly lock?: string;
  readonly config?: string;
  readonly diagnostics?: string;
  readonly predictions?: string;
  readonly model?: string;
}

export const PARTIAL_LAST_LINE_NOTE = 'the last line of metrics.jsonl was incomplete (the run may still be going) and was skipped';
/** Enough for predictions.csv's header line with thousands of class names. */
const HEADER_BYTES = 64 * 1024;

/** The one parser: every file but metrics.jsonl is optional, and an unreadable one becomes a note. */
function parseRunFolder(dir: string, texts: FolderTexts, options: ReadRunFolderOptions): RunFolder {
  const file = (name: string): string => path.join(dir, name);
  const metrics = parseMetricsJsonl(texts.metrics, file(RUN_FILES.metrics));
  const notes: string[] = metrics.partialLastLine ? [PARTIAL_LAST_LINE_NOTE] : [];
  const optional = <T>(name: string, text: string | undefined, parse: (text: string, file: string) => T): T | undefined => {
    if (text === undefined) return undefined;
    try {
      return parse(text, file(name));
    } catch (e) {
      notes.push(`${name} could not be read and was ignored: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  const config = optional(RUN_FILES.config, texts.config, (t, f) => jsonObject(t, f));
  const diagnostics = optional(RUN_FILES.diagnostics, texts.diagnostics, (t, f) => checkedDiagnostics(jsonObject(t, f), f));
  const model = options.model === false ? undefined : optional(RUN_FILES.model, texts.model, parseModelJson);
  const header = options.predictions === 'header';
  const predictions = header ? undefined : optional(RUN_FILES.predictions, texts.predictions, parsePredictionsCsv);
  const classes = predictions?.classes ?? (header && texts.predictions !== undefined ? predictionClasses(texts.predictions) : undefined) ?? model?.classes;
  const status = optional(RUN_FILES.status, texts.status, (t, f) => parseStatus(jsonObject(t, f)));
  const lock = texts.lock !== undefined ? parseLock(texts.lock) : undefined;
  const state = effectiveState(status, lock);
  const metricsBytes = Buffer.byteLength(texts.metrics.slice(0, texts.metrics.lastIndexOf('\n') + 1));
  return {
    dir,
    ...metrics,
    ...(config ? { config } : {}),
    ...(diagnostics ? { diagnostics } : {}),
    ...(predictions ? { predictions } : {}),
    ...(classes ? { classes } : {}),
    ...(model ? { model } : {}),
    ...(status ? { status } : {}),
    ...(state ? { state } : {}),
    ...(lock ? { lock } : {}),
    notes,
    metricsBytes,
  };
}

function jsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RunFolderError(`not valid JSON (${(e as Error).message})`, file);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RunFolderError('expected a JSON object', file);
  return value as Record<string, unknown>;
}

function notARunFolder(dir: string, isFolder: boolean): RunFolderError {
  return new RunFolderError(isFolder ? `not a run folder (no ${RUN_FILES.metrics})` : 'not a run folder (no such folder)', dir);
}

/**
 * A folder's file, only if it is a regular file: a FIFO or a device named metrics.jsonl would block
 * the read or never end. metrics.jsonl that is not one is an error naming why; an optional file is skipped.
 */
function checkRegular(dir: string, name: string): boolean {
  const file = path.join(dir, name);
  if (!existsSync(file)) return false;
  const problem = regularFileProblem(file);
  if (problem === undefined) return true;
  if (name === RUN_FILES.metrics) throw new RunFolderError(problem, file);
  return false;
}

export function readRunFolder(dir: string, options: ReadRunFolderOptions = {}): RunFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw notARunFolder(dir, false);
  const text = (name: string): string | undefined => (checkRegular(dir, name) ? readFileSync(path.join(dir, name), 'utf8') : undefined);
  const metrics = text(RUN_FILES.metrics);
  if (metrics === undefined) throw notARunFolder(dir, true);
  const predictions = options.predictions === 'header' ? firstLineSync(path.join(dir, RUN_FILES.predictions)) : text(RUN_FILES.predictions);
  return parseRunFolder(dir, withDefined({ metrics, config: text(RUN_FILES.config), diagnostics: text(RUN_FILES.diagnostics), predictions, model: options.model === false ? undefined : text(RUN_FILES.model), status: text(RUN_FILES.status), lock: text(RUN_FILES.lock) }), options);
}

/** As readRunFolder, without blocking the thread (the extension host reads many past runs). */
export async function readRunFolderAsync(dir: string, options: ReadRunFolderOptions = {}): Promise<RunFolder> {
  const isFolder = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isFolder) throw notARunFolder(dir, false);
  const text = (name: string): Promise<string | undefined> => folderText(dir, name);
  const metrics = await text(RUN_FILES.metrics);
  if (metrics === undefined) throw notARunFolder(dir, true);
  const [config, diagnostics, predictions, model, status, lock] = await Promise.all([
    text(RUN_FILES.config),
    text(RUN_FILES.diagnostics),
    options.predictions === 'header' ? firstLine(path.join(dir, RUN_FILES.predictions)) : text(RUN_FILES.predictions),
    options.model === false ? undefined : text(RUN_FILES.model),
    text(RUN_FILES.status),
    text(RUN_FILES.lock),
  ]);
  return parseRunFolder(dir, withDefined({ metrics, config, diagnostics, predictions, model, status, lock }), options);
}

function withDefined(texts: { metrics: string } & Record<string, string | undefined>): FolderTexts {
  return Object.fromEntries(Object.entries(texts).filter(([, v]) => v !== undefined)) as unknown as FolderTexts;
}

function firstLineSync(file: string): string | undefined {
  if (!existsSync(file) || regularFileProblem(file) !== undefined) return undefined;
  // Only the head is read: predictions.csv has a row per validation row and epoch.
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8').split(/\r?\n/)[0];
  } finally {
    closeSync(fd);
  }
}

async function firstLine(file: string): Promise<string | undefined> {
  const handle = await openRegularFile(file).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0];
  } catch {
    return undefined;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * A folder's file as text, without blocking the thread: undefined when it is absent or cannot be
 * read; metrics.jsonl that is not a regular file (a FIFO, a device) is an error naming why, as in
 * checkRegular. The type is taken on the open descriptor (openRegularFile), so a FIFO cannot block.
 */
async function folderText(dir: string, name: string): Promise<string | undefined> {
  const file = path.join(dir, name);
  let handle;
  try {
    handle = await openRegularFile(file);
  } catch (error) {
    const e = error as FileAccessError;
    if (name === RUN_FILES.metrics && e.code !== 'ENOENT') throw new RunFolderError(e.message, file);
    return undefined;
  }
  try {
    return await handle.readFile('utf8');
  } catch {
    return undefined;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
