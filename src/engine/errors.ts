/**
 * Bad input the engine itself detects (a model.json that does not fit the architecture, class
 * weights naming an unknown class, a sigmoid output on a non-binary task). The CLI reports these
 * as bad input (exit 2) with the message alone: it names the file and the key or the mismatch.
 */
export class TrainingInputError extends Error {
  constructor(
    message: string,
    /** The file at fault, as the user wrote it (a config or a model.json). */
    readonly file?: string,
    /** The dotted config key at fault, e.g. `loss.classWeights`. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'TrainingInputError';
  }
}
