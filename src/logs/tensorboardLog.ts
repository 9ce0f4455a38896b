/**
 * TensorBoard event files (`events.out.tfevents.*`): TFRecords (tfRecord.ts) holding
 * `tensorflow.Event` protobufs, whose `summary` carries scalars either as `simple_value` (TF1,
 * PyTorch's SummaryWriter) or as a rank-0 `tensor` (TF2 / Keras's TensorBoard callback).
 *
 * Mapping scalars to epochs (tags matched case-insensitively, split into words on / _ - . space):
 * - what: a word `loss` -> loss; `acc`/`accuracy` -> accuracy; `lr` or `learning rate` -> learning rate.
 * - split: a word val/valid/validation/eval/evaluation/test/dev -> validation; train/training ->
 *   training; else the event file's folder (Keras writes logs/train/ and logs/validation/, both
 *   with tag `epoch_loss`); else training (`loss`, `epoch_loss` alone are the training loss).
 * - granularity: a word batch/step/steps/iter/iteration/iterations (and no `epoch`) marks a per-step
 *   tag (`batch_loss`, `Loss/train_step`): training losses become LogStep records. Anything else is
 *   per epoch, its step the epoch. Epochs are 1-based in loss-lens, so steps are shifted by one when
 *   they count from 0: Keras's `epoch_*` tags always do (with an integer `update_freq` Keras writes
 *   only some epochs, so epoch 0 may be missing), and so does any log with an epoch-level scalar at
 *   step 0; otherwise steps are taken as 1-based epoch numbers already.
 * - Lightning's TensorBoardLogger numbers every scalar by the global step (from 0) and writes an
 *   `epoch` scalar (from 0) beside them: when that tag is there, each value's epoch is read from it
 *   (epochMarks.ts) and per-step values get 1-based steps.
 * - Keras writes `evaluation_loss_vs_iterations` (validation folder) at the iteration count after
 *   each recorded epoch: when those counts are a whole number of steps per epoch, a batch's epoch
 *   is computed from its step instead of from wall times (see stepEpochs below).
 * - A training-loss tag with no granularity word that has more than twice as many points, reaching
 *   more than twice as far, as the validation loss is a per-step tag after all (PyTorch's common
 *   `add_scalar("Loss/train", loss, global_step)` next to `add_scalar("Loss/val", v, epoch)`).
 * Steps are assigned to the first epoch whose record was written (wall time) at or after them; an
 * epoch without an epoch-level training loss gets the mean of its step losses.
 * When several tags fit one slot, the one with the fewest words wins (`loss` over `kl_loss_total`).
 */
import * as path from 'node:path';
import { Root, type Type } from 'protobufjs/light';
import { LogError } from './errors';
import { readTfRecords } from './tfRecord';
import { epochMetrics, type LogStep, type TrainingLog } from './trainingLog';
import { epochLookup, uniformStepsPerEpoch, type EpochMark } from './epochMarks';
import type { EpochMetricName } from '../model';

export const TENSORBOARD_FORMAT = 'TensorBoard event files';

/** TensorFlow's event file names: `events.out.tfevents.<time>.<host>[...]`. */
export const isEventFileName = (baseName: string): boolean => baseName.startsWith('events.out.tfevents.');

/** The few fields of tensorflow/core/util/event.proto and framework/{summary,tensor,tensor_shape}.proto read here (field ids as there). */
const ROOT = Root.fromJSON({
  nested: {
    tensorflow: {
      nested: {
        Event: { fields: { wallTime: { type: 'double', id: 1 }, step: { type: 'int64', id: 2 }, fileVersion: { type: 'string', id: 3 }, summary: { type: 'Summary', id: 5 } } },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: { Value: { fields: { tag: { type: 'string', id: 1 }, simpleValue: { type: 'float', id: 2 }, tensor: { type: 'TensorProto', id: 8 } } } },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            tensorContent: { type: 'bytes', id: 4 },
            floatVal: { rule: 'repeated', type: 'float', id: 5 },
            doubleVal: { rule: 'repeated', type: 'double', id: 6 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 } } } },
        },
      },
    },
  },
});
const EVENT: Type = ROOT.lookupType('tensorflow.Event');

/** tensorflow/core/framework/types.proto DataType values. */
const DT_FLOAT = 1;
const DT_DOUBLE = 2;

interface DecodedTensor {
  dtype?: number;
  tensorShape?: { dim?: unknown[] };
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
}
interface DecodedEvent {
  wallTime?: number;
  step?: number;
  summary?: { value?: { tag?: string; simpleValue?: number; tensor?: DecodedTensor }[] };
}

export interface TbScalar {
  readonly tag: string;
  readonly step: number;
  readonly wallTime: number;
  readonly value: number;
}

/** A rank-0 float or double tensor's value; undefined for anything else (histograms, images, text). */
function tensorScalar(t: DecodedTensor): number | undefined {
  if ((t.tensorShape?.dim?.length ?? 0) !== 0) return undefined;
  if (t.dtype === DT_FLOAT) {
    if (t.floatVal?.length) return t.floatVal[0];
    if (t.tensorContent?.length === 4) return new DataView(t.tensorContent.buffer, t.tensorContent.byteOffset, 4).getFloat32(0, true);
  } else if (t.dtype === DT_DOUBLE) {
    if (t.doubleVal?.length) return t.doubleVal[0];
    if (t.tensorContent?.length === 8) return new DataView(t.tensorContent.buffer, t.tensorContent.byteOffset, 8).getFloat64(0, true);
  }
  return undefined;
}

export interface EventFileScalars {
  readonly scalars: readonly TbScalar[];
  readonly truncatedAt?: number;
}

/** The scalar summaries of one event file, in file order. */
export function readEventFileScalars(bytes: Uint8Array, file: string): EventFileScalars {
  const { records, truncatedAt } = readTfRecords(bytes, file);
  const scalars: TbScalar[] = [];
  for (const { offset, data } of records) {
    let event: DecodedEvent;
    try {
      event = EVENT.toObject(EVENT.decode(data), { longs: Number }) as DecodedEvent;
    } catch (err) {
      throw new LogError(`record at byte offset ${offset} is not a tensorflow.Event (${(err as Error).message})`, file);
    }
    for (const v of event.summary?.value ?? []) {
      const value = v.simpleValue ?? (v.tensor ? tensorScalar(v.tensor) : undefined);
      if (v.tag && value !== undefined) scalars.push({ tag: v.tag, step: event.step ?? 0, wallTime: event.wallTime ?? 0, value });
    }
  }
  return { scalars, ...(truncatedAt !== undefined ? { truncatedAt } : {}) };
}

type Split = 'train' | 'val';
type Kind = 'loss' | 'acc' | 'lr';
interface TagRole {
  readonly kind: Kind;
  readonly split: Split;
  readonly perStep: boolean;
  readonly words: number;
}

const VAL_WORDS = new Set(['val', 'valid', 'validation', 'eval', 'evaluation', 'test', 'dev']);
const TRAIN_WORDS = new Set(['train', 'training']);
const STEP_WORDS = new Set(['batch', 'step', 'steps', 'iter', 'iteration', 'iterations']);

/** The split a folder name implies (Keras's TensorBoard callback: train/, validation/). */
export function folderSplit(folderName: string): Split | undefined {
  const n = folderName.toLowerCase();
  return VAL_WORDS.has(n) ? 'val' : TRAIN_WORDS.has(n) ? 'train' : undefined;
}

export function tagRole(tag: string, folder: Split | undefined): TagRole | undefined {
  const words = tag.toLowerCase().split(/[/_\-. ]+/).filter(Boolean);
  const has = (w: string): boolean => words.includes(w);
  const kind: Kind | undefined = has('loss') ? 'loss' : has('acc') || has('accuracy') ? 'acc' : has('lr') || (has('learning') && has('rate')) ? 'lr' : undefined;
  if (!kind) return undefined;
  const split: Split = words.some((w) => VAL_WORDS.has(w)) ? 'val' : words.some((w) => TRAIN_WORDS.has(w)) ? 'train' : (folder ?? 'train');
  const perStep = !has('epoch') && words.some((w) => STEP_WORDS.has(w));
  return { kind, split, perStep, words: words.length };
}

export interface EventFile {
  readonly file: string;
  readonly bytes: Uint8Array;
}

interface Series {
  readonly tag: string;
  readonly role: TagRole;
  /** step -> the last value written at it (a restarted run rewrites steps; the later file wins). */
  readonly points: Map<number, TbScalar>;
}

/**
 * Keras's steps per epoch: its `evaluation_loss_vs_iterations` points (at the iteration count)
 * paired in order with the validation `epoch_loss` points (at the epoch) of the same evaluations.
 */
function kerasStepsPerEpoch(series: ReadonlyMap<string, Series>, valLoss: Series | undefined, zeroBased: boolean): number | undefined {
  const iterations = series.get('val|evaluation_loss_vs_iterations');
  if (!iterations || !valLoss || iterations.points.size !== valLoss.points.size) return undefined;
  const ends = [...iterations.points.keys()].sort((a, b) => a - b);
  const epochs = [...valLoss.points.keys()].sort((a, b) => a - b);
  return uniformStepsPerEpoch(ends.map((step, i) => ({ step, epoch: epochs[i]! + (zeroBased ? 1 : 0) })));
}

/** Every scalar of the run's event files by role and tag (a later file's value for a step wins), and the `epoch` marks. */
function collectSeries(files: readonly EventFile[], notes: string[]): { series: Map<string, Series>; ignored: Set<string>; epochMarks: EpochMark[] } {
  const series = new Map<string, Series>();
  const ignored = new Set<string>();
  const epochMarks: EpochMark[] = [];
  for (const { file, bytes } of files) {
    const { scalars, truncatedAt } = readEventFileScalars(bytes, file);
    if (truncatedAt !== undefined) notes.push(`${file}: skipped a partly written last record at byte offset ${truncatedAt}`);
    const folder = folderSplit(path.basename(path.dirname(file)));
    for (const s of scalars) {
      if (s.tag === 'epoch' && Number.isInteger(s.value) && s.value >= 0) {
        epochMarks.push({ step: s.step, order: s.wallTime, epoch: s.value });
        continue;
      }
      const role = tagRole(s.tag, folder);
      if (!role) {
        ignored.add(s.tag);
        continue;
      }
      const key = `${role.split}|${s.tag}`;
      let entry = series.get(key);
      if (!entry) series.set(key, (entry = { tag: s.tag, role, points: new Map() }));
      entry.points.set(s.step, s);
    }
  }
  return { series, ignored, epochMarks };
}

/**
 * Reads a TensorBoard run from its event files (pass them sorted by name: the name holds the
 * creation time, so a resumed run's later values win). `source` is what the user opened.
 */
export function readTensorBoardLog(files: readonly EventFile[], source: string): TrainingLog {
  const notes: string[] = [];
  const { series, ignored, epochMarks } = collectSeries(files, notes);
  const sorted = (s: Series): TbScalar[] => [...s.points.values()].sort((a, b) => a.step - b.step);
  const pick = (split: Split, kind: Kind, perStep: boolean): Series | undefined =>
    [...series.values()]
      .filter((s) => s.role.split === split && s.role.kind === kind && s.role.perStep === perStep)
      .sort((a, b) => a.role.words - b.role.words || a.tag.localeCompare(b.tag))[0];

  let trainLoss = pick('train', 'loss', false);
  let stepLoss = pick('train', 'loss', true);
  const valLoss = pick('val', 'loss', false);
  if (trainLoss && valLoss && !stepLoss) {
    const maxStep = (s: Series): number => Math.max(...s.points.keys());
    if (trainLoss.points.size > 2 * valLoss.points.size && maxStep(trainLoss) > 2 * (maxStep(valLoss) + 1)) {
      notes.push(`"${trainLoss.tag}" has far more points than "${valLoss.tag}": read as per-step training loss`);
      [stepLoss, trainLoss] = [trainLoss, undefined];
    }
  }
  const epochSeries: [EpochMetricName, Series | undefined][] = [
    ['trainLoss', trainLoss],
    ['valLoss', valLoss],
    ['trainAccuracy', pick('train', 'acc', false)],
    ['valAccuracy', pick('val', 'acc', false)],
    ['learningRate', pick('train', 'lr', false) ?? pick('val', 'lr', false)],
  ];

  // Epoch numbering: 0-based steps (Keras, `for epoch in range(n)`) are shifted to loss-lens's 1-based
  // epochs; Lightning's global steps are mapped through its `epoch` scalar.
  const used = epochSeries.filter((e): e is [EpochMetricName, Series] => e[1] !== undefined);
  const zeroBased = used.some(([, s]) => s.points.has(0) || s.tag.startsWith('epoch_'));
  const lookup = epochMarks.length ? epochLookup(epochMarks) : undefined;
  const epochOf = (p: TbScalar): number => (lookup ? lookup(p.step, p.wallTime)! + 1 : p.step + (zeroBased ? 1 : 0));
  const byEpoch = new Map<number, { known: Partial<Record<EpochMetricName, number>>; wallTime: number }>();
  for (const [name, s] of used) {
    // In step order: where one epoch holds several values (validation twice an epoch), the last wins.
    for (const p of sorted(s)) {
      const e = epochOf(p);
      let slot = byEpoch.get(e);
      if (!slot) byEpoch.set(e, (slot = { known: {}, wallTime: p.wallTime }));
      slot.known[name] = p.value;
      slot.wallTime = Math.max(slot.wallTime, p.wallTime);
    }
  }
  const epochNumbers = [...byEpoch.keys()].sort((a, b) => a - b);

  // Per-step losses: global steps made 1-based; each belongs to the epoch the log says it ran in
  // (Lightning's `epoch` scalar, Keras's iteration counts), else to the first epoch written after it.
  const perEpoch = lookup ? undefined : kerasStepsPerEpoch(series, valLoss, zeroBased);
  const steps: LogStep[] = [];
  const stepLosses = new Map<number, number[]>();
  if (stepLoss) {
    const points = sorted(stepLoss);
    const shift = points[0]?.step === 0 || lookup ? 1 : 0;
    let k = 0;
    for (const p of points) {
      while (k < epochNumbers.length && byEpoch.get(epochNumbers[k]!)!.wallTime < p.wallTime) k++;
      const epoch = lookup
        ? epochOf(p)
        : perEpoch
          ? Math.max(1, Math.ceil((p.step + shift) / perEpoch))
          : (epochNumbers[k] ?? (epochNumbers.length ? epochNumbers[epochNumbers.length - 1]! + 1 : 1));
      steps.push({ step: p.step + shift, epoch, loss: p.value, gradNorm: NaN, gradNormUnknown: true });
      const list = stepLosses.get(epoch) ?? [];
      list.push(p.value);
      stepLosses.set(epoch, list);
    }
  }

  const epochs = epochNumbers.map((e) => {
    const known = byEpoch.get(e)!.known;
    const losses = stepLosses.get(e);
    const mean = losses?.length ? losses.reduce((a, b) => a + b, 0) / losses.length : undefined;
    return epochMetrics(e, {
      trainLoss: known.trainLoss ?? mean,
      valLoss: known.valLoss,
      trainAccuracy: known.trainAccuracy,
      valAccuracy: known.valAccuracy,
      learningRate: known.learningRate,
    });
  });

  if (!files.length) throw new LogError('no TensorBoard event files (events.out.tfevents.*) found', source);
  if (!series.size) notes.push('no loss, accuracy or learning-rate scalars found in the event files');
  else if (!valLoss) notes.push('no validation-loss scalar (e.g. validation/epoch_loss, val_loss, Loss/val) found: overfitting and calibration cannot be judged');
  if (ignored.size) notes.push(`scalars not used: ${[...ignored].sort().slice(0, 8).join(', ')}${ignored.size > 8 ? ', ...' : ''}`);
  return { format: TENSORBOARD_FORMAT, file: source, epochs, steps, notes };
}
