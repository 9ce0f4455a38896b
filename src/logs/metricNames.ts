/**
 * Which metric of the run model a series of another trainer's log holds, from its name as trainers
 * really write them: `loss`, `val_loss`, `epoch_loss` (Keras), `train/loss`, `Loss/train`,
 * `Loss/val` (PyTorch), `train_loss_step`, `train_loss_epoch`, `val/acc`, `lr-Adam` (Lightning),
 * `eval_loss`, `learning_rate`, `grad_norm`, `train/loss` (Hugging Face), `trainLoss` (camelCase).
 *
 * A name is split into lower-case words on / _ - . space and camelCase; then:
 * - what: `loss` -> loss; `acc`/`accuracy` -> accuracy; `lr` or `learning rate` -> learning rate;
 *   `grad`/`gradient` with `norm` -> gradient norm; anything else is kept as a plain scalar.
 * - split: val/valid/validation/eval/evaluation/dev (and, second choice, test) -> validation;
 *   train/training -> training; else the folder the series came from (Keras's train/ and
 *   validation/, named with the folder first), else training. Learning rate and gradient norm have no split.
 * - granularity: step/steps/batch/iter/iteration/iterations -> per step; epoch -> per epoch;
 *   neither -> decided by the reader from how the log is laid out (see runAssembler.ts).
 * When several series fit one metric, the one with the fewest words wins (`loss` over `kl_loss`).
 * Names the rules get wrong are fixed by a sidecar file, losslens.metrics.json (metricsSidecar.ts).
 */
import type { EpochMetricName } from '../model';

/** The metrics a foreign log can fill (timeMs is never read from a log). */
export type LogMetric = Exclude<EpochMetricName, 'timeMs'>;
export const LOG_METRICS: readonly LogMetric[] = ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy', 'learningRate', 'gradNorm'];

export type Granularity = 'step' | 'epoch';

export interface MetricRole {
  readonly metric: LogMetric;
  /** As the name says it; undefined when the name does not say. */
  readonly granularity?: Granularity;
  /** Lower ranks first when several series fit one metric. */
  readonly rank: number;
}

/** What an override says about one series name: a metric (optionally its granularity), or null to keep it as a plain scalar. */
export type MetricOverride = { readonly metric: LogMetric; readonly per?: Granularity } | null;
/** Overrides by exact series name (compared case-insensitively). */
export type MetricOverrides = ReadonlyMap<string, MetricOverride>;

const VAL_WORDS = new Set(['val', 'valid', 'validation', 'eval', 'evaluation', 'dev']);
const TEST_WORDS = new Set(['test', 'testing']);
const TRAIN_WORDS = new Set(['train', 'training']);
const STEP_WORDS = new Set(['step', 'steps', 'batch', 'iter', 'iteration', 'iterations']);
const ACC_WORDS = new Set(['acc', 'accuracy']);

/** Lower-case words of a series name: separators / _ - . space, and camelCase humps. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[/_\-. :]+/)
    .filter(Boolean);
}

/** Whether a folder name is a split (Keras's TensorBoard callback writes train/ and validation/). */
export function isSplitFolder(folderName: string): boolean {
  const n = folderName.toLowerCase();
  return VAL_WORDS.has(n) || TRAIN_WORDS.has(n);
}

/**
 * The role of a series, or undefined for a plain scalar. A series from a sub-folder of the run is
 * named with the folder first (`validation/epoch_loss`, `Loss_val/Loss`), so the folder's split is
 * one of its words.
 */
export function metricRole(name: string, overrides?: MetricOverrides): MetricRole | undefined {
  if (overrides?.size) {
    const o = lookupOverride(name, overrides);
    if (o !== undefined) return o === null ? undefined : { metric: o.metric, ...(o.per ? { granularity: o.per } : {}), rank: -1 };
  }
  const words = nameWords(name);
  const has = (w: string): boolean => words.includes(w);
  // Keras's evaluation_loss_vs_iterations repeats the validation loss at the optimizer's iteration
  // count: a marker of steps per epoch, not a second validation loss.
  if (has('vs') && (has('iterations') || has('steps'))) return undefined;
  const kind = has('loss')
    ? 'loss'
    : words.some((w) => ACC_WORDS.has(w))
      ? 'acc'
      : has('lr') || (has('learning') && has('rate'))
        ? 'lr'
        : (has('grad') || has('gradient') || has('grads')) && has('norm')
          ? 'grad'
          : undefined;
  if (!kind) return undefined;
  const granularity: Granularity | undefined = has('epoch') ? 'epoch' : words.some((w) => STEP_WORDS.has(w)) ? 'step' : undefined;
  const gran = granularity ? { granularity } : {};
  if (kind === 'lr') return { metric: 'learningRate', ...gran, rank: words.length };
  if (kind === 'grad') return { metric: 'gradNorm', ...gran, rank: words.length };
  const val = words.some((w) => VAL_WORDS.has(w));
  const test = !val && words.some((w) => TEST_WORDS.has(w));
  const isVal = val || test;
  const metric: LogMetric = kind === 'loss' ? (isVal ? 'valLoss' : 'trainLoss') : isVal ? 'valAccuracy' : 'trainAccuracy';
  // A test split is the validation metric only when nothing better is there.
  return { metric, ...gran, rank: words.length + (test ? 100 : 0) };
}

function lookupOverride(name: string, overrides: MetricOverrides): MetricOverride | undefined {
  if (overrides.has(name)) return overrides.get(name);
  const lower = name.toLowerCase();
  for (const [key, value] of overrides) if (key.toLowerCase() === lower) return value;
  return undefined;
}
