import * as path from 'node:path';
import { readRegularFile } from '../files/regularFile';
import { DecodingError, decodeStrict } from '../text/decoding';
import { ConfigError } from './errors';
import type { LossLensConfig } from './types';
import { validateConfigText } from './validate';

/**
 * The largest config file read. A config is a few hundred bytes; one of megabytes is not a config
 * (or hides a megabyte-long value), and the validator also runs on it at every keystroke.
 */
export const MAX_CONFIG_BYTES = 1 << 20;

/** A validated config with where it came from: relative paths in it resolve against `dir`. */
export interface LoadedConfig {
  /** The path as given (used in messages, so they name the file the way the user wrote it). */
  readonly path: string;
  /** The config's folder, absolute. */
  readonly dir: string;
  readonly config: LossLensConfig;
  /** Warnings (the config is usable). */
  readonly warnings?: readonly string[];
}

function unreadable(filePath: string, why: string): ConfigError {
  return new ConfigError(filePath, [{ message: why, path: [], offset: 0, length: 0, severity: 'error' }]);
}

/** Reads and validates a config file; throws `ConfigError` (naming file and key) when it cannot be used. */
export async function loadConfigFile(filePath: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = decodeStrict(await readRegularFile(filePath, MAX_CONFIG_BYTES));
  } catch (e) {
    if (e instanceof DecodingError) throw unreadable(filePath, `${e.message}: a config is UTF-8 text, save it as UTF-8`);
    throw unreadable(filePath, (e as Error).message);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { config, problems } = validateConfigText(text, filePath);
  if (!config) throw new ConfigError(filePath, problems.filter((p) => p.severity === 'error'), text);
  const warnings = problems.filter((p) => p.severity === 'warning');
  return {
    path: filePath,
    dir: path.dirname(path.resolve(filePath)),
    config,
    warnings: warnings.length ? new ConfigError(filePath, warnings, text).message.split('\n') : [],
  };
}
