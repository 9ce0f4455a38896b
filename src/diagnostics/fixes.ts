/**
 * The quick fixes detectors offer: config edits with dotted paths, built from the run's config
 * (contract §1 defaults when the config is unknown, e.g. for a foreign log).
 */
import type { RunContext } from './types';
import type { Fix } from '../model';
import { fmt, round2 } from './stats';

/** Contract §1 defaults, used when the run's config is unknown. */
const DEFAULT_LEARNING_RATE = 0.001;
const DEFAULT_HIDDEN: readonly number[] = [32];

export function learningRateOf(ctx: RunContext): number {
  return ctx.config?.optimizer.learningRate ?? DEFAULT_LEARNING_RATE;
}

export function lowerLearningRate(ctx: RunContext, factor: number, reason: string): Fix {
  const lr = round2(learningRateOf(ctx) / factor);
  return { title: `Lower the learning rate ${fmt(factor)}× to ${fmt(lr)} (${reason})`, edits: [{ path: 'optimizer.learningRate', value: lr }] };
}

export function raiseLearningRate(ctx: RunContext, factor: number, reason: string): Fix {
  const lr = round2(learningRateOf(ctx) * factor);
  return { title: `Raise the learning rate ${fmt(factor)}× to ${fmt(lr)} (${reason})`, edits: [{ path: 'optimizer.learningRate', value: lr }] };
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

export function stopAtEpoch(epoch: number): Fix {
  return { title: `Train for ${epoch} epochs (where validation loss was lowest)`, edits: [{ path: 'training.epochs', value: epoch }] };
}

/** Patience 5: half the contract default, because here we already know the run overfits. */
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
