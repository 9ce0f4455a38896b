/**
 * Bad input the engine itself detects (a model.json that does not fit the architecture, class
 * weights naming an unknown class, a sigmoid output on a non-binary task). The CLI reports these
 * as bad input (exit 2) with the message alone: it names the file and the key or the mismatch.
 */
import { InputError } from '../model';

export class TrainingInputError extends InputError {
  /** `file`: the file at fault as the user wrote it (a config or a model.json); `key`: the dotted config key, e.g. `loss.classWeights`. */
  constructor(message: string, file?: string, key?: string) {
    super(message, { ...(file !== undefined ? { file } : {}), ...(key !== undefined ? { key } : {}) });
    this.name = 'TrainingInputError';
  }
}
