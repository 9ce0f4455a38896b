/**
 * The one rule for the output layer (docs/config.md, `model.output`): "auto" is a sigmoid for two
 * classes and a softmax otherwise; a sigmoid (one unit, the probability of the SECOND class) needs
 * exactly two classes; label smoothing is defined for softmax only (PyTorch CrossEntropyLoss).
 * Config validation, the engine and the detectors all ask these functions.
 */

export type OutputKind = 'softmax' | 'sigmoid';
/** What a config may say: a kind, or "auto". */
export type OutputSetting = OutputKind | 'auto';

/** The output the network gets for this many classes. "sigmoid" is returned as asked even when it does not fit (see outputProblem). */
export function outputKindFor(setting: OutputSetting, classCount: number): OutputKind {
  if (setting === 'auto') return classCount === 2 ? 'sigmoid' : 'softmax';
  return setting;
}

/** Why this output setting cannot be used with this many classes, or undefined when it can. */
export function outputProblem(setting: OutputSetting, classCount: number): string | undefined {
  if (setting === 'sigmoid' && classCount !== 2) return `"sigmoid" is for two classes; the data has ${classCount} (use "softmax" or "auto")`;
  return undefined;
}

/** Why label smoothing cannot be used with this output, or undefined when it can. */
export function labelSmoothingProblem(labelSmoothing: number, setting: OutputSetting, classCount: number): string | undefined {
  if (labelSmoothing <= 0 || outputKindFor(setting, classCount) === 'softmax') return undefined;
  return setting === 'auto'
    ? 'applies to softmax outputs only; this binary task uses a sigmoid output ("auto" means sigmoid for two classes; set model.output to "softmax")'
    : 'applies to softmax outputs only; model.output is "sigmoid"';
}
