import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError } from './errors';
import type { LossLensConfig } from './types';
import { validateConfigText } from './validate';

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

/** Reads and validates a config file; throws `ConfigError` (naming file and key) when it cannot be used. */
export async function loadConfigFile(filePath: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a config file' : ((e as Error).message ?? String(e));
    throw new ConfigError(filePath, [{ message: why, path: [], offset: 0, length: 0, severity: 'error' }]);
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
