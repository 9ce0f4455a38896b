/** The run model: readings, flags, calibration, run states and the vocabularies every layer shares. */
export * from './readings';
export * from './flags';
export * from './calibration';
export * from './runState';
export * from './outputKind';
export * from './inputError';
export * from './stream';
export * from './rangeTest';
export * from './flagHeadline';
export * from './numberFormat';
