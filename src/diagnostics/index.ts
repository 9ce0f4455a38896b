/** The diagnostics library's public surface (pure: no vscode, no DOM). */
export { DiagnosticsSession, type PartialStep } from './session';
export { computeCalibration, CALIBRATION_BINS } from './calibration';
export { fitTemperature, scaledProbabilities } from './temperature';
export { flagTitle, FLAG_TITLES } from '../model';
export { DIAGNOSTICS_DEFAULTS, validateDiagnosticsOverrides } from './defaults';
export { learningRateRangeTest, suggestLearningRate, learningRateFlag, LR_RANGE_DEFAULTS, type TrainFunction } from './lrRangeTest';
export type * from './types';
