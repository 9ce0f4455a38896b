/** Per-class loss weights (`loss.classWeights`, docs/config.md), PyTorch weighted-mean semantics. */
import { TrainingInputError } from './errors';

/** "none", "balanced", or class name -> weight. */
export type ClassWeightsSpec = 'none' | 'balanced' | Readonly<Record<string, number>>;

/**
 * - "none": null (every weight 1).
 * - "balanced": w_c = n_samples / (n_classes · count_c) over the TRAINING labels, as
 *   sklearn.utils.class_weight.compute_class_weight('balanced'). A class absent from the training
 *   set gets weight 1: no training row carries it, and it keeps the smoothing term finite.
 * - an object: class name -> weight; unlisted classes weigh 1; an unknown name is an error.
 */
export function resolveClassWeights(setting: ClassWeightsSpec, classes: readonly string[], trainLabels: Int32Array, trainRows: number): Float64Array | null {
  if (setting === 'none') return null;
  const weights = new Float64Array(classes.length).fill(1);
  if (setting === 'balanced') {
    const counts = new Float64Array(classes.length);
    for (let i = 0; i < trainRows; i++) counts[trainLabels[i]!]! += 1;
    for (let c = 0; c < classes.length; c++) {
      if (counts[c]! > 0) weights[c] = trainRows / (classes.length * counts[c]!);
    }
    return weights;
  }
  for (const [name, weight] of Object.entries(setting)) {
    const index = classes.indexOf(name);
    if (index < 0) {
      throw new TrainingInputError(`loss.classWeights names class "${name}", which the data does not have (classes: ${classes.map((c) => `"${c}"`).join(', ')})`, undefined, `loss.classWeights.${name}`);
    }
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new TrainingInputError(`loss.classWeights.${name} must be a finite number >= 0, got ${String(weight)}`, undefined, `loss.classWeights.${name}`);
    }
    weights[index] = weight;
  }
  return weights;
}
