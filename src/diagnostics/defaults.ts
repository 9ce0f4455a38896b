/**
 * Every detector's named thresholds, by the key a config uses under `diagnostics` (the flag kind).
 * The config validator and the JSON schema can check overrides against this.
 */
import { CLASS_IMBALANCE_DEFAULTS } from './classImbalance';
import { DEAD_NETWORK_DEFAULTS } from './deadNetwork';
import { DEAD_UNITS_DEFAULTS } from './deadUnits';
import { EXPLODING_LOSS_DEFAULTS } from './explodingLoss';
import { MISCALIBRATION_DEFAULTS } from './miscalibration';
import { MISLABELED_DEFAULTS } from './mislabeled';
import { OSCILLATION_DEFAULTS } from './oscillation';
import { OVERFITTING_DEFAULTS } from './overfitting';
import { PLATEAU_DEFAULTS } from './plateau';
import { checkDiagnosticsOverrides, type OverrideProblem, type ThresholdValues } from './thresholds';

export const DIAGNOSTICS_DEFAULTS: Readonly<Record<string, ThresholdValues>> = {
  overfitting: OVERFITTING_DEFAULTS,
  'exploding-loss': EXPLODING_LOSS_DEFAULTS,
  'dead-network': DEAD_NETWORK_DEFAULTS,
  'dead-units': DEAD_UNITS_DEFAULTS,
  miscalibration: MISCALIBRATION_DEFAULTS,
  plateau: PLATEAU_DEFAULTS,
  oscillation: OSCILLATION_DEFAULTS,
  'class-imbalance': CLASS_IMBALANCE_DEFAULTS,
  'mislabeled-rows': MISLABELED_DEFAULTS,
};

/** Problems in a config's `diagnostics` block (unknown detector or threshold, wrong type), with key paths. */
export function validateDiagnosticsOverrides(overrides: unknown): OverrideProblem[] {
  return checkDiagnosticsOverrides(overrides, DIAGNOSTICS_DEFAULTS);
}
