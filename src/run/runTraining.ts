/**
 * One training run, end to end: config -> dataset -> engine -> live diagnostics -> run folder.
 * Used by BOTH the CLI and the extension's worker, so it prints nothing and owns no process state:
 * progress leaves through the callbacks, bad input through ConfigError / DataError /
 * TrainingInputError (messages that name the file and key or row), and a stop request is honoured
 * between steps, after which the folder is finished with what was measured.
 */
import { constants as bufferConstants } from 'node:buffer';
import * as path from 'node:path';
import { ConfigError } from '../config/errors';
import { loadConfigFile, type LoadedConfig } from '../config/load';
import { closeMatch } from '../text/closeMatch';
import type { LossLensConfig } from '../config/types';
import { trainingSpec } from '../config/trainingSpec';
import { describeFailure, outputKindFor, type Calibration, type DiagnosticsReport, type Flag, labelSmoothingProblem, outputProblem, type RunState, type StepStats, type StopReason } from '../model';
import { loadDataset } from '../data/load';
import { quotingFor, readRegularFile } from '../files/regularFile';
import { estimateTrainingMemory, memoryProblem, trainingShape } from '../engine/footprint';
import { DecodingError, decodeStrict } from '../text/decoding';
import { quote, quoteList } from '../text/quote';
import { compileKernelsOptimized } from './wasmTier';
import type { EncodedDataset } from '../data/dataset';
import { DiagnosticsSession } from '../diagnostics/session';
import type { EpochEvent, TrainingSummary } from '../engine/events';
import { parseModelJson, type ModelJson } from '../engine/modelJson';
import { train } from '../engine/trainer';
import { createRunDir, DEFAULT_RUNS_FOLDER, RunFolderError, RunFolderWriter } from '../runFolder';

export interface RunStartInfo {
  readonly runDir: string;
  readonly config: LossLensConfig;
  readonly classes: readonly string[];
  readonly featureNames: readonly string[];
  readonly trainRows: number;
  readonly validationRows: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** The data layer's notes (rows dropped, unseen categories, ...). */
  readonly notes: readonly string[];
}

export interface RunTrainingOptions {
  /** The config file. Required unless `loaded` is given; with `config` it only locates relative paths. */
  readonly configPath?: string;
  /** An already validated config (the editor validated it); otherwise `configPath` is loaded. */
  readonly config?: LossLensConfig;
  readonly loaded?: LoadedConfig;
  /** The run folder to write; without it a new `<runsFolder>/<time>-<name>/` is made once the data has loaded. */
  readonly runDir?: string;
  /** Where a new run folder goes (default: `.losslens/runs` beside the config). */
  readonly runsFolder?: string;
  /** Folders whose files messages may quote besides the config's (the editor's workspace folders). */
  readonly workspaceRoots?: readonly string[];
  /** Polled between steps; true stops the run (the folder is still finished). */
  readonly shouldStop?: () => boolean;
  /** Why the run was asked to stop: a `shutdown` (the editor going away) is recorded as interrupted. */
  readonly stopCause?: () => 'user' | 'shutdown' | undefined;
  /** A run already in `runDir` is moved aside instead of refused. */
  readonly replace?: boolean;
  readonly onStart?: (info: RunStartInfo) => void;
  readonly onStep?: (step: StepStats) => void;
  /** With the diagnostics session's live validation calibration of this epoch (computed once, here). */
  readonly onEpoch?: (event: EpochEvent, calibration: Calibration | null) => void;
  readonly onFlag?: (flag: Flag) => void;
  /** Write step records to metrics.jsonl (default true). */
  readonly stepRecords?: boolean;
  /** For reproducible folder names in tests. */
  readonly now?: () => Date;
}

export interface RunResult {
  readonly runDir: string;
  readonly reason: StopReason;
  readonly summary: TrainingSummary;
  readonly diagnostics: DiagnosticsReport;
  /** The config as written to config.json (defaults and the resolved target filled in). */
  readonly config: LossLensConfig;
  readonly classes: readonly string[];
}

export async function resolveConfig(options: Pick<RunTrainingOptions, 'configPath' | 'config' | 'loaded'>): Promise<LoadedConfig> {
  if (options.loaded) return options.loaded;
  if (options.config) {
    const configPath = options.configPath ?? path.join(process.cwd(), `${options.config.name}.losslens.json`);
    return { path: configPath, dir: path.dirname(path.resolve(configPath)), config: options.config };
  }
  if (!options.configPath) throw new Error('runTraining needs configPath, config or loaded');
  return loadConfigFile(options.configPath);
}

/**
 * Checks that need the data's classes (the validator cannot know them for a CSV): class-weight keys
 * name real classes, a sigmoid output has two classes, label smoothing is not used on a sigmoid.
 */
export function checkConfigAgainstData(file: string, config: LossLensConfig, classes: readonly string[]): void {
  const weights = config.loss.classWeights;
  if (typeof weights === 'object') {
    for (const key of Object.keys(weights)) {
      if (!classes.includes(key)) {
        throw ConfigError.at(file, ['loss', 'classWeights', key], `${quote(key)} is not a class of the data (classes: ${quoteList(classes)})`, closeMatch(key, classes));
      }
    }
  }
  const outputIssue = outputProblem(config.model.output, classes.length);
  if (outputIssue) throw ConfigError.at(file, ['model', 'output'], outputIssue);
  const smoothingIssue = labelSmoothingProblem(config.loss.labelSmoothing, config.model.output, classes.length);
  if (smoothingIssue) throw ConfigError.at(file, ['loss', 'labelSmoothing'], smoothingIssue);
}

/**
 * Checks that need the encoded data, made before the engine allocates anything: the class
 * weights leave each split some weight (else its loss is 0/0 = NaN, blamed on the learning rate),
 * and the model fits in memory (footprint.ts), named by `model.hidden`.
 */
export function checkTrainingInputs(file: string, config: LossLensConfig, data: EncodedDataset): void {
  const weights = config.loss.classWeights;
  if (typeof weights === 'object') {
    for (const [side, labels] of [['training', data.train.y], ['validation', data.validation.y]] as const) {
      const present = [...new Set(labels)].map((c) => data.classes[c]!);
      if (present.length > 0 && present.every((c) => weights[c] === 0)) {
        throw ConfigError.at(file, ['loss', 'classWeights'], `gives weight 0 to every class of the ${side} rows (${quoteList(present)}): the weighted loss sum(w·l) / sum(w) would be 0/0; give at least one of them a positive weight`);
      }
    }
  }
  const output = outputKindFor(config.model.output, data.classes.length);
  const shape = trainingShape(config.model, data.featureNames.length, output === 'sigmoid' ? 1 : data.classes.length, config.training.batchSize, data.train.rows);
  const problem = memoryProblem(estimateTrainingMemory(shape, config.optimizer, data.classes.length, data.train.rows + data.validation.rows), config.model.hidden);
  if (problem !== undefined) throw ConfigError.at(file, ['model', 'hidden'], problem);
}

/** Training needs rows on both sides: a validation split of 0 rows would make every val metric NaN. */
function checkSplitSizes(loaded: LoadedConfig, data: EncodedDataset): void {
  const source = loaded.config.data.source;
  for (const [side, rows] of [['training', data.train.rows], ['validation', data.validation.rows]] as const) {
    if (rows > 0) continue;
    if (source !== undefined) {
      throw ConfigError.at(loaded.path, ['data', 'validationSplit'], `leaves no ${side} rows (${data.train.rows} training / ${data.validation.rows} validation from ${quote(source)}); the table is too small for a split of ${loaded.config.data.validationSplit}`);
    }
    const key = side === 'training' ? 'train' : 'validation';
    throw ConfigError.at(loaded.path, ['data', key], `${quote(loaded.config.data[key] ?? '')} has no data rows`);
  }
}

/**
 * The model.json `model.init` names: a regular file (a FIFO would block the read forever), UTF-8,
 * at most one string long. Its contents are quoted in messages only inside the config's folder or
 * the workspace.
 */
async function readInitialModel(loaded: LoadedConfig, workspaceRoots: readonly string[]): Promise<ModelJson | undefined> {
  const init = loaded.config.model.init;
  if (init === 'he' || init === 'xavier') return undefined;
  const file = path.resolve(loaded.dir, init);
  let text: string;
  try {
    text = decodeStrict(await readRegularFile(file, bufferConstants.MAX_STRING_LENGTH));
  } catch (e) {
    const why = e instanceof DecodingError ? `${e.message}: a model.json is UTF-8 text` : (e as Error).message;
    const what = why === 'no such file' ? 'does not exist' : `cannot be read: ${why}`;
    throw ConfigError.at(loaded.path, ['model', 'init'], `${quote(init)} ${what} (resolved to ${file})`);
  }
  return parseModelJson(text, init, quotingFor(file, [loaded.dir, ...workspaceRoots]));
}

function classCounts(data: EncodedDataset): number[] {
  const counts = new Array<number>(data.classes.length).fill(0);
  for (let i = 0; i < data.train.rows; i++) counts[data.train.y[i]!]!++;
  return counts;
}

export async function runTraining(options: RunTrainingOptions): Promise<RunResult> {
  compileKernelsOptimized();
  const loaded = await resolveConfig(options);
  const workspaceRoots = options.workspaceRoots ?? [];
  const data = await loadDataset(loaded.config, loaded.dir, { workspaceRoots });
  checkConfigAgainstData(loaded.path, loaded.config, data.classes);
  checkSplitSizes(loaded, data);
  checkTrainingInputs(loaded.path, loaded.config, data);
  const initialModel = await readInitialModel(loaded, workspaceRoots);
  // config.json says what was actually used: the default target is resolved to a column name.
  const config: LossLensConfig = { ...loaded.config, data: { ...loaded.config.data, target: loaded.config.data.target ?? data.preprocessing.target } };
  const writer = openRunFolder(options, loaded, config);
  try {
    const result = trainInto(writer, config, data, initialModel, options);
    writer.close(finalState(result.reason, options.stopCause?.()));
    return result;
  } catch (error) {
    writer.close({ state: 'failed', note: describeFailure(error).message });
    throw error;
  }
}

/** The run folder, made once the data has loaded (bad data leaves none behind) and claimed for this run. */
function openRunFolder(options: RunTrainingOptions, loaded: LoadedConfig, config: LossLensConfig): RunFolderWriter {
  const runsFolder = options.runsFolder ?? path.join(loaded.dir, DEFAULT_RUNS_FOLDER);
  let runDir = options.runDir;
  if (runDir === undefined) {
    try {
      runDir = createRunDir(runsFolder, config.name, options.now?.());
    } catch (e) {
      throw RunFolderError.cannotCreate(runsFolder, e);
    }
  }
  return new RunFolderWriter(runDir, { epochsPlanned: config.training.epochs, configFile: loaded.path, ...(options.replace ? { replace: true } : {}), ...(options.now ? { now: options.now } : {}) });
}

/** How a run that ended without an error is recorded: a stop because the editor went away is an interruption. */
function finalState(reason: StopReason, cause: 'user' | 'shutdown' | undefined): { state: RunState; reason: StopReason; note?: string } {
  if (reason !== 'stopped') return { state: 'completed', reason };
  return cause === 'shutdown' ? { state: 'interrupted', reason, note: 'The editor closed or reloaded while the run trained.' } : { state: 'stopped', reason };
}

function trainInto(writer: RunFolderWriter, config: LossLensConfig, data: EncodedDataset, initialModel: ModelJson | undefined, options: RunTrainingOptions): RunResult {
  const runDir = writer.dir;
  writer.writeConfig(config);
  const stepsPerEpoch = Math.ceil(data.train.rows / config.training.batchSize);
  options.onStart?.({
    runDir,
    config,
    classes: data.classes,
    featureNames: data.featureNames,
    trainRows: data.train.rows,
    validationRows: data.validation.rows,
    epochs: config.training.epochs,
    stepsPerEpoch,
    notes: data.notes,
  });
  const session = new DiagnosticsSession({ classes: data.classes, config, trainClassCounts: classCounts(data), stepsPerEpoch, validationRows: data.validation.rows }, options.onFlag);
  const stepRecords = options.stepRecords ?? true;
  const summary = train(
    trainingSpec(config, initialModel),
    data,
    {
      onStep: (step) => {
        if (stepRecords) writer.step(step);
        session.onStep(step);
        options.onStep?.(step);
      },
      onEpoch: (event) => {
        writer.epoch(event.metrics);
        session.onEpoch(event);
        options.onEpoch?.(event, session.calibration());
      },
    },
    { recordTrainOutputs: true, ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}) },
  );
  const diagnostics = session.finish(summary.finalValidation);
  writer.writeDiagnostics(diagnostics);
  writer.writePredictions(data.classes, summary.finalValidation);
  writer.writeModel(summary.model);
  return { runDir, reason: summary.reason, summary, diagnostics, config, classes: data.classes };
}
