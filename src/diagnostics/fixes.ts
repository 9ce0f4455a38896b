/**
 * The quick fixes detectors offer: config edits with dotted paths, built from the run's config
 * (the defaults of docs/config.md when the config is unknown, e.g. for a foreign log).
 */
import type { RunContext } from './types';
import type { Fix } from '../model';
import { fmt, round2 } from './stats';

/** The defaults of docs/config.md, used when the run's config is unknown. */
const DEFAULT_HIDDEN: readonly number[] = [32];

/**
 * The learning rate the run used: its config's, else the one its log recorded (another trainer's
 * log may carry it per epoch or step), else undefined: a log that does not say is not given Loss
 * Lens's own default as if it were the run's.
 */
export function learningRateOf(ctx: RunContext, logged?: number): number | undefined {
  const configured = ctx.config?.optimizer.learningRate;
  if (configured !== undefined) return configured;
  return logged !== undefined && Number.isFinite(logged) && logged > 0 ? logged : undefined;
}

/** The learning rate in words: its value, or that the log does not say. */
export function learningRateText(ctx: RunContext, logged?: number): string {
  const lr = learningRateOf(ctx, logged);
  return lr === undefined ? 'not in the log' : fmt(lr);
}

function scaleLearningRate(ctx: RunContext, logged: number | undefined, factor: number, verb: 'Lower' | 'Raise', reason: string): Fix {
  const lr = learningRateOf(ctx, logged);
  // Without a known rate there is no value to write: the advice stands without an edit.
  if (lr === undefined) return { title: `${verb} the learning rate ${fmt(factor)}× (${reason})`, edits: [] };
  const to = round2(verb === 'Lower' ? lr / factor : lr * factor);
  return { title: `${verb} the learning rate ${fmt(factor)}× to ${fmt(to)} (${reason})`, edits: [{ path: 'optimizer.learningRate', value: to }] };
}

/** `logged`: the rate the run's log recorded, used when there is no config (another trainer's log). */
export function lowerLearningRate(ctx: RunContext, factor: number, reason: string, logged?: number): Fix {
  return scaleLearningRate(ctx, logged, factor, 'Lower', reason);
}

export function raiseLearningRate(ctx: RunContext, factor: number, reason: string, logged?: number): Fix {
  return scaleLearningRate(ctx, logged, factor, 'Raise', reason);
}

export function clipGradients(maxNorm: number): Fix {
  const v = round2(maxNorm);
  return { title: `Clip gradients at global norm ${fmt(v)}`, edits: [{ path: 'training.gradientClip', value: v }] };
}

/** Only offered when the config turned standardization off (or is unknown). */
export function standardizeInputs(ctx: RunContext): Fix | null {
  if (ctx.config && ctx.config.data.standardize) return null;
  return { title: 'Standardize the inputs (z-score with training statistics)', edits: [{ path: 'data.standardize', value: true }] };
}

/** "1 epoch", "9 epochs". */
export const epochCount = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`;

/** Names the edit, not a run: the fix rewrites `training.epochs`, training again is the user's choice. */
export function stopAtEpoch(epoch: number): Fix {
  return { title: `Cut training to ${epochCount(epoch)} (where validation loss was lowest)`, edits: [{ path: 'training.epochs', value: epoch }] };
}

/** Patience 5: half the default (docs/config.md), because here we already know the run overfits. */
export const SUGGESTED_PATIENCE = 5;

export function earlyStopping(ctx: RunContext): Fix | null {
  const es = ctx.config?.training.earlyStopping;
  if (es && es.restoreBest) return null;
  return {
    title: `Turn on early stopping (patience ${SUGGESTED_PATIENCE}, restore the best epoch)`,
    edits: [{ path: 'training.earlyStopping', value: { patience: SUGGESTED_PATIENCE, minDelta: 0, restoreBest: true } }],
  };
}

export function moreL2(ctx: RunContext): Fix {
  const l2 = ctx.config?.regularization.l2 ?? 0;
  // 1e-4 is the customary first weight-decay value (Keras/PyTorch examples); then steps of 10×.
  const value = l2 > 0 ? round2(l2 * 10) : 1e-4;
  return { title: `${l2 > 0 ? 'Raise' : 'Add'} L2 regularization to ${fmt(value)}`, edits: [{ path: 'regularization.l2', value }] };
}

export function moreDropout(ctx: RunContext): Fix | null {
  const d = ctx.config?.model.dropout ?? 0;
  if (d >= 0.5) return null;
  // 0.2 for a first try on small MLPs; never past 0.5 (Srivastava et al. 2014 use 0.5 for hidden units).
  const value = d === 0 ? 0.2 : Math.min(0.5, round2(d + 0.2));
  return { title: `${d > 0 ? 'Raise' : 'Add'} dropout to ${value}`, edits: [{ path: 'model.dropout', value }] };
}

export function fewerUnits(ctx: RunContext): Fix | null {
  const hidden = ctx.config?.model.hidden ?? DEFAULT_HIDDEN;
  if (hidden.length === 0 || hidden.every((h) => h <= 4)) return null;
  const value = hidden.map((h) => Math.max(2, Math.round(h / 2)));
  return { title: `Halve the hidden units to [${value.join(', ')}]`, edits: [{ path: 'model.hidden', value }] };
}

export function leakyRelu(ctx: RunContext): Fix | null {
  if (ctx.config && ctx.config.model.activation !== 'relu') return null;
  return { title: 'Use leaky ReLU (its units cannot die)', edits: [{ path: 'model.activation', value: 'leaky-relu' }] };
}

export function compact<T>(items: readonly (T | null | undefined)[]): T[] {
  return items.filter((x): x is T => x !== null && x !== undefined);
}

/**
 * Every config key a detector's fix may edit, with the values it may take. A fix read back from a
 * run folder's diagnostics.json is untrusted (anyone can write that file): it is kept only when each
 * of its edits is one of these, so a fix can never point `data.source` or `model.init` at a file.
 */
export const FIXABLE_KEYS: Readonly<Record<string, (value: unknown) => boolean>> = {
  'optimizer.learningRate': (v) => positive(v),
  'optimizer.type': (v) => v === 'sgd' || v === 'adam' || v === 'adamw',
  'training.gradientClip': (v) => positive(v),
  'training.epochs': (v) => positiveInteger(v),
  'training.batchSize': (v) => positiveInteger(v),
  'training.earlyStopping': (v) => v === false || (isObject(v) && positiveInteger(v['patience']) && typeof v['minDelta'] === 'number' && typeof v['restoreBest'] === 'boolean' && Object.keys(v).length === 3),
  'data.standardize': (v) => v === true,
  'model.dropout': (v) => typeof v === 'number' && v >= 0 && v < 1,
  'model.hidden': (v) => Array.isArray(v) && v.length <= 16 && v.every(positiveInteger),
  'model.activation': (v) => v === 'leaky-relu' || v === 'relu' || v === 'tanh' || v === 'gelu',
  'loss.labelSmoothing': (v) => typeof v === 'number' && v >= 0 && v < 1,
  'loss.classWeights': (v) => v === 'balanced' || v === 'none',
  'regularization.l2': (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
const positiveInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** A fix from an untrusted source, if every edit is a fixable key with an allowed value (see FIXABLE_KEYS). */
export function checkedFix(raw: unknown): Fix | undefined {
  if (!isObject(raw) || typeof raw['title'] !== 'string' || !Array.isArray(raw['edits']) || raw['edits'].length === 0) return undefined;
  const edits = raw['edits'] as unknown[];
  for (const edit of edits) {
    if (!isObject(edit) || typeof edit['path'] !== 'string') return undefined;
    const allowed = FIXABLE_KEYS[edit['path']];
    if (!allowed || !allowed(edit['value'])) return undefined;
  }
  return { title: raw['title'].slice(0, MAX_FIX_TITLE), edits: edits.map((e) => ({ path: (e as Record<string, string>)['path']!, value: (e as Record<string, unknown>)['value'] })) };
}

/** Longer titles are cut: a button label, never a page of text from a file. */
const MAX_FIX_TITLE = 200;
