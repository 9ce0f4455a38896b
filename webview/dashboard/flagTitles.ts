/**
 * The names people see for each flag kind (contract §4: "Overfitting", "Exploding loss",
 * "Miscalibration", ...). Kept here because the webview may import only types from src/diagnostics.
 */
import type { FlagKind, Severity } from '../../src/diagnostics/types';

export const FLAG_TITLES: Readonly<Record<FlagKind, string>> = {
  overfitting: 'Overfitting',
  'exploding-loss': 'Exploding loss',
  miscalibration: 'Miscalibration',
  'dead-network': 'Dead network',
  'dead-units': 'Dead units',
  plateau: 'Plateau',
  oscillation: 'Oscillating loss',
  'class-imbalance': 'Class imbalance',
  'mislabeled-rows': 'Possibly mislabeled rows',
  'learning-rate': 'Learning rate',
};

/** Display name of a kind; unknown kinds (a newer host) are shown with their id made readable. */
export function flagTitle(kind: string): string {
  return (FLAG_TITLES as Record<string, string>)[kind] ?? kind.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Errors first, then warnings, then information. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { error: 'Error', warning: 'Warning', info: 'Info' };
