/** The config module's public surface. */
export { validateConfigText, type ConfigValidation, type ValidateOptions } from './validate';
export { loadConfigFile, type LoadedConfig } from './load';
export { ConfigError } from './errors';
export { formatKeyPath, formatProblem, type ConfigProblem, type KeyPath } from './problems';
export { CONFIG_SCHEMA, schemaAt } from './schema';
export { defaultRunName, ADAMW_DEFAULT_WEIGHT_DECAY } from './defaults';
export type * from './types';
