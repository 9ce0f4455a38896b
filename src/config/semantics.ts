/**
 * Rules a JSON Schema cannot say (or cannot say clearly): how keys depend on each other, and whether
 * the files a config names exist. Run only on a schema-valid config; each problem points at the key
 * or value to change.
 */
import * as path from 'node:path';
import { findNodeAtLocation, type JsonNode } from './jsonc';
import { BUNDLED_CLASS_COUNTS, BUNDLED_DATASETS, SYNTHETIC_DATASETS, isBundledDataset, isSyntheticDataset } from './datasets';
import { closeMatch } from '../text/closeMatch';
import type { ConfigProblem, KeyPath } from './problems';
import type { LossLensConfig } from './types';
import { labelSmoothingProblem, outputProblem } from '../model';
import { DIAGNOSTICS_DEFAULTS, validateDiagnosticsOverrides } from '../diagnostics/defaults';
import { estimateTrainingMemory, memoryProblem, trainingShape } from '../engine/footprint';
import { encodingName } from '../text/decoding';
import { quote } from '../text/quote';
import { optimizerTypesTaking, TYPE_SPECIFIC_OPTIMIZER_KEYS } from './optimizerKeys';

const describeTypes = (types: readonly string[]): string => types.map((t) => `"${t}"`).join(' and ');

/** What to use instead, for a key the chosen optimizer does not take (closes the parenthesis). */
const OTHER_TYPE_HINTS: Readonly<Record<string, (type: string) => string>> = {
  momentum: () => ', which uses beta1)',
  weightDecay: (type) => `); for ${type} use regularization.l2`,
};

export interface SemanticOptions {
  /**
   * Why a path is not a readable regular file ("no such file", "it is a directory, ..."), or
   * undefined when it is one (injected so the editor and tests can answer without the disk).
   */
  readonly fileProblem: (absolutePath: string) => string | undefined;
}

/** The labels offered when `data.encoding` is not one TextDecoder knows. */
const COMMON_ENCODINGS = ['utf-8', 'windows-1252', 'latin1', 'iso-8859-15', 'windows-1250', 'windows-1251', 'utf-16le', 'utf-16be', 'shift_jis', 'gb18030', 'big5', 'euc-kr'];

type Raw = Readonly<Record<string, unknown>>;

function has(raw: Raw, section: string, key: string): boolean {
  const s = raw[section];
  return typeof s === 'object' && s !== null && key in s;
}

export function checkSemantics(root: JsonNode, raw: Raw, config: LossLensConfig, configDir: string, options: SemanticOptions): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  /** The range of the value at `at` (falling back to its key, then to the nearest existing parent). */
  const report = (severity: 'error' | 'warning', message: string, path: KeyPath, at: KeyPath = path, suggestion?: string, keyOnly = false): void => {
    let node: JsonNode | undefined;
    for (let depth = at.length; depth >= 0 && !node; depth--) node = findNodeAtLocation(root, at.slice(0, depth) as (string | number)[]);
    const target = keyOnly && node?.parent?.type === 'property' ? node.parent.children![0]! : (node ?? root);
    out.push({
      message: suggestion === undefined ? message : `${message} (did you mean "${suggestion}"?)`,
      path,
      offset: target.offset,
      length: target.length,
      severity,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  };
  const data = config.data;
  // Where the data comes from: exactly one of `source` or `train` + `validation`.
  if (data.source === undefined && data.train === undefined && data.validation === undefined) {
    report('error', 'needs "source" (a bundled or synthetic dataset, or a CSV path), or "train" and "validation" files', ['data'], ['data'], undefined, true);
  } else if (data.source !== undefined && (data.train !== undefined || data.validation !== undefined)) {
    const extra = data.train !== undefined ? 'train' : 'validation';
    report('error', `use either "source" or "train" + "validation", not both`, ['data', extra], ['data', extra], undefined, true);
  } else if (data.source === undefined && data.train === undefined) {
    report('error', '"validation" needs "train" too', ['data', 'train'], ['data', 'validation'], undefined, true);
  } else if (data.source === undefined && data.validation === undefined) {
    report('error', '"train" needs "validation" too', ['data', 'validation'], ['data', 'train'], undefined, true);
  }

  checkFiles(config, configDir, options, report);

  if (encodingName(data.encoding) === undefined) {
    report('error', `${quote(data.encoding)} is not a text encoding Loss Lens knows (a WHATWG label such as ${COMMON_ENCODINGS.slice(0, 4).map((e) => `"${e}"`).join(', ')})`, ['data', 'encoding'], ['data', 'encoding'], closeMatch(data.encoding, COMMON_ENCODINGS));
  }

  if (data.source === undefined && has(raw, 'data', 'validationSplit')) {
    report('warning', 'is ignored with explicit "train" and "validation" files', ['data', 'validationSplit']);
  }
  if (has(raw, 'data', 'synthetic') && !(data.source !== undefined && isSyntheticDataset(data.source))) {
    report('warning', `is used only with a synthetic source (${SYNTHETIC_DATASETS.join(', ')})`, ['data', 'synthetic'], ['data', 'synthetic'], undefined, true);
  }

  // Model.
  // Too large even with one input and one output: said as the layers are typed, before any data is read.
  const smallest = trainingShape(config.model, 1, 1, config.training.batchSize, 1);
  const tooLarge = memoryProblem(estimateTrainingMemory(smallest, config.optimizer, 1, 0), config.model.hidden, true);
  if (tooLarge !== undefined) report('error', tooLarge, ['model', 'hidden']);
  if (config.model.dropout > 0 && config.model.hidden.length === 0) {
    report('warning', 'has no effect without hidden layers', ['model', 'dropout']);
  }
  const knownClasses = data.source !== undefined && isBundledDataset(data.source) ? BUNDLED_CLASS_COUNTS[data.source] : undefined;
  // The output rule needs the class count: known here for bundled datasets; for a CSV the run checks it once the data is read.
  if (knownClasses !== undefined) {
    const outputIssue = outputProblem(config.model.output, knownClasses);
    if (outputIssue) report('error', outputIssue.replace('the data has', `${quote(data.source!)} has`), ['model', 'output']);
  }
  const smoothingIssue = config.model.output === 'sigmoid' ? labelSmoothingProblem(config.loss.labelSmoothing, 'sigmoid', 2) : knownClasses !== undefined ? labelSmoothingProblem(config.loss.labelSmoothing, config.model.output, knownClasses) : undefined;
  if (smoothingIssue) report('error', smoothingIssue, ['loss', 'labelSmoothing']);

  // Optimizer keys that the chosen type would silently ignore (a momentum or weight decay of 0 changes nothing).
  const type = config.optimizer.type;
  for (const key of TYPE_SPECIFIC_OPTIMIZER_KEYS) {
    if (!has(raw, 'optimizer', key) || optimizerTypesTaking(key).includes(type)) continue;
    if ((key === 'momentum' || key === 'weightDecay') && config.optimizer[key] === 0) continue;
    report('error', `applies to ${describeTypes(optimizerTypesTaking(key))} only (optimizer.type is "${type}"${OTHER_TYPE_HINTS[key]?.(type) ?? ')'}`, ['optimizer', key]);
  }
  checkDiagnostics(raw, report);
  return out;
}

type Report = (severity: 'error' | 'warning', message: string, path: KeyPath, at?: KeyPath, suggestion?: string, keyOnly?: boolean) => void;

/**
 * The files a config names: each must be a readable regular file. A missing one gets the message
 * (and suggestion) of its key; a folder, device, FIFO or link loop is named for what it is.
 */
function checkFiles(config: LossLensConfig, configDir: string, options: SemanticOptions, report: Report): void {
  const named = (key: KeyPath, written: string, missing: (resolved: string) => string, suggestion?: string): void => {
    const resolved = path.resolve(configDir, written);
    const problem = options.fileProblem(resolved);
    if (problem === 'no such file') report('error', missing(resolved), key, key, suggestion);
    else if (problem !== undefined) report('error', `${quote(written)} cannot be read: ${problem} (resolved to ${resolved})`, key);
  };
  const { source, train, validation } = config.data;
  if (source !== undefined && !isBundledDataset(source) && !isSyntheticDataset(source)) {
    const datasets = `a bundled dataset (${BUNDLED_DATASETS.join(', ')}), a synthetic one (${SYNTHETIC_DATASETS.join(', ')})`;
    named(['data', 'source'], source, (resolved) => `${quote(source)} is not ${datasets} or an existing file (resolved to ${resolved})`, closeMatch(source, [...BUNDLED_DATASETS, ...SYNTHETIC_DATASETS]));
  }
  if (train !== undefined) named(['data', 'train'], train, (resolved) => `training file ${quote(train)} does not exist (resolved to ${resolved})`);
  if (validation !== undefined) named(['data', 'validation'], validation, (resolved) => `validation file ${quote(validation)} does not exist (resolved to ${resolved})`);
  const init = config.model.init;
  if (init !== 'he' && init !== 'xavier') {
    named(['model', 'init'], init, (resolved) => `${quote(init)} is neither "he", "xavier" nor an existing model.json (resolved to ${resolved})`, closeMatch(init, ['he', 'xavier']));
  }
}

/**
 * `diagnostics` overrides against the detectors' named thresholds (src/diagnostics/defaults.ts):
 * an unknown detector or threshold is a typo until proven otherwise, so it is an error with the
 * nearest valid name; a wrong type underlines the value.
 */
function checkDiagnostics(raw: Raw, report: Report): void {
  for (const p of validateDiagnosticsOverrides(raw['diagnostics'])) {
    const path = p.path as readonly string[];
    const [, detector, threshold] = path;
    if (path.length === 2 && detector !== undefined && p.message.startsWith('Unknown detector')) {
      report('error', p.message, path, path, closeMatch(detector, Object.keys(DIAGNOSTICS_DEFAULTS)), true);
    } else if (path.length === 3 && detector !== undefined && threshold !== undefined && p.message.startsWith('Unknown threshold')) {
      const kind = detector in DIAGNOSTICS_DEFAULTS ? detector : Object.keys(DIAGNOSTICS_DEFAULTS).find((k) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === detector);
      const names = ['enabled', ...Object.keys(DIAGNOSTICS_DEFAULTS[kind ?? ''] ?? {})];
      report('error', p.message, path, path, closeMatch(threshold, names), true);
    } else {
      report('error', p.message, path);
    }
  }
}
