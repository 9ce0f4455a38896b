/**
 * Where the extension's run folders live (`lossLens.runsFolder`, default `.losslens/runs` under the
 * config's workspace folder) and reading past runs back into the `RunStore`. Folder names follow
 * the run module's `<time>-<name>` (contract §3). Free of `vscode`.
 */
import path from 'node:path';
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { newRunRecord, type RunRecord } from './runStore';
import { parseMetricsJsonl } from '../run/metricsJsonl';
import { RUN_FILES } from '../run/runFolderWriter';
import { splitCsvLine } from '../run/readRunFolder';
import { folderSafeName, runTimestamp } from '../run/runDir';
import type { DiagnosticsReport, StepStats } from '../model';

/** The default of the `lossLens.runsFolder` setting, the CLI's default too (contract §2). */
export const DEFAULT_RUNS_FOLDER = '.losslens/runs';

/** The local time a run folder's name starts with (`20261122-215600-...`), or undefined. */
export function runFolderTime(folderName: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(folderName);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

/**
 * The runs folder for a config: the setting, relative to the config's workspace folder (or to the
 * config's own folder outside any workspace folder, as the CLI does); an absolute setting as is.
 */
export function resolveRunsFolder(setting: string | undefined, workspaceFolder: string | undefined, configPath: string): string {
  const folder = setting?.trim() || DEFAULT_RUNS_FOLDER;
  if (path.isAbsolute(folder)) return folder;
  return path.resolve(workspaceFolder ?? path.dirname(configPath), folder);
}

/**
 * Creates a fresh run folder `<runsFolder>/<time>-<name>` (`-2`, `-3` when two runs start in the
 * same second: a non-recursive mkdir fails atomically if the folder exists).
 */
export async function createRunDir(runsFolder: string, name: string, at: Date = new Date()): Promise<string> {
  await mkdir(runsFolder, { recursive: true });
  const base = path.join(runsFolder, `${runTimestamp(at)}-${folderSafeName(name)}`);
  for (let attempt = 1; ; attempt++) {
    const dir = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Every sub-folder of these runs folders that reads as a run folder, newest first. Never throws. */
export async function loadRunFolders(runsFolders: readonly string[]): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (const folder of new Set(runsFolders)) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const run = await loadRunFolder(path.join(folder, name));
      if (run) runs.push(run);
      // Let the host's other work in between folders.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return runs.sort((a, b) => b.startedAt - a.startedAt);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * One run folder read back for the sidebar and dashboard. Like `readRunFolder`, but asynchronous and
 * without model.json and the predictions' rows (only their header, for the class names): reloading
 * many past runs must not block the extension host. metrics.jsonl goes through the run module's
 * parser, which tolerates a partly written last line. A folder without diagnostics.json ended
 * without finishing (stopped hard, or the editor closed): it shows as stopped if it has epochs,
 * else as failed. Undefined when it is not a run folder.
 */
export async function loadRunFolder(dir: string): Promise<RunRecord | undefined> {
  const file = (name: string): string => path.join(dir, name);
  let metricsText: string;
  let startedAt: number;
  try {
    startedAt = runFolderTime(path.basename(dir)) ?? (await stat(dir)).mtimeMs;
    metricsText = await readFile(file(RUN_FILES.metrics), 'utf8');
  } catch {
    return undefined;
  }
  let metrics: ReturnType<typeof parseMetricsJsonl>;
  try {
    metrics = parseMetricsJsonl(metricsText, file(RUN_FILES.metrics));
  } catch {
    return undefined;
  }
  const config = ((await readJson(file(RUN_FILES.config))) ?? {}) as Record<string, unknown>;
  const diagnostics = (await readJson(file(RUN_FILES.diagnostics))) as DiagnosticsReport | undefined;
  const training = (config.training ?? {}) as Record<string, unknown>;
  const finished = diagnostics !== undefined && Array.isArray(diagnostics.flags);
  const epochs = [...metrics.epochs];
  const steps: StepStats[] = metrics.steps.map((st) => ({ ...st, batch: 0, layerGradNorms: [], deadFractions: [], learningRate: NaN, timeMs: NaN }));
  return newRunRecord({
    dir,
    origin: 'folder',
    name: typeof config.name === 'string' ? config.name : path.basename(dir),
    state: finished ? 'completed' : epochs.length > 0 ? 'stopped' : 'failed',
    startedAt,
    endedAt: startedAt,
    classes: await predictionClasses(file(RUN_FILES.predictions)),
    epochsPlanned: num(training.epochs) ?? epochs.length,
    stepsPerEpoch: 0,
    epochs,
    steps,
    flags: finished ? [...diagnostics.flags] : [],
    calibration: finished ? (diagnostics.calibration ?? null) : null,
    diagnostics: finished ? diagnostics : null,
    ...(finished ? {} : { error: epochs.length ? 'The run ended before it finished (stopped, or the editor closed).' : 'The run ended before its first epoch.' }),
  });
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The class names from predictions.csv's header (`label,p:<class>,...`), reading only its start. */
async function predictionClasses(file: string): Promise<string[]> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const header = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
    const fields = splitCsvLine(header);
    return fields[0] === 'label' ? fields.slice(1).filter((f) => f.startsWith('p:')).map((f) => f.slice(2)) : [];
  } catch {
    return [];
  } finally {
    await handle?.close();
  }
}
