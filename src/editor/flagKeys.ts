/**
 * Which config key a flag is about, so the editor can put it on that key in the Problems panel
 * (and the quick fix next to it). Pure.
 */
import type { Flag, FlagKind } from '../model';
import { keyRangeOf, toJsonPath, type KeyRange } from './jsoncEdits';

/**
 * The keys each kind of flag concerns, most direct first: the knob a person would turn.
 * Exploding loss, oscillation, plateaus and dying ReLUs are first of all learning-rate problems;
 * overfitting is about how long and how freely the model trains; miscalibration about the target
 * distribution (label smoothing); class imbalance about class weights; mislabeled rows about the data.
 */
export const FLAG_KEYS: Readonly<Record<FlagKind, readonly string[]>> = {
  'exploding-loss': ['optimizer.learningRate', 'training.gradientClip'],
  overfitting: ['training.epochs', 'regularization', 'training.earlyStopping', 'model.dropout'],
  miscalibration: ['loss.labelSmoothing'],
  'dead-network': ['optimizer.learningRate', 'model.activation'],
  'dead-units': ['model.activation', 'optimizer.learningRate'],
  plateau: ['optimizer.learningRate'],
  oscillation: ['optimizer.learningRate', 'training.batchSize'],
  'class-imbalance': ['loss.classWeights'],
  'mislabeled-rows': ['data.source', 'data.train'],
  'learning-rate': ['optimizer.learningRate'],
};

/** Candidate key paths for a flag: its kind's keys, then the keys its fixes edit. */
export function flagKeyPaths(flag: Pick<Flag, 'kind' | 'fix'>): string[] {
  const fromFixes = (flag.fix ?? []).flatMap((f) => f.edits.map((e) => e.path));
  return [...new Set([...(FLAG_KEYS[flag.kind] ?? []), ...fromFixes])];
}

/**
 * Where a flag goes in the config text: the first candidate key present in the text; when none is
 * (the defaults apply), the deepest present ancestor of the first candidate (e.g. `"optimizer"`),
 * else the opening brace.
 */
export function flagAnchor(text: string, flag: Pick<Flag, 'kind' | 'fix'>): KeyRange & { readonly key: string } {
  const candidates = flagKeyPaths(flag);
  for (const key of candidates) {
    const path = toJsonPath(key);
    const range = keyRangeOf(text, path);
    if (range.found.length === path.length) return { ...range, key };
  }
  const key = candidates[0] ?? '';
  return { ...keyRangeOf(text, toJsonPath(key)), key };
}
