/** The names people see for each flag kind (contract §4: "Overfitting", "Exploding loss", "Miscalibration", ...). */
import type { FlagKind } from './types';

export const FLAG_TITLES: Readonly<Record<FlagKind, string>> = {
  overfitting: 'Overfitting',
  'exploding-loss': 'Exploding loss',
  miscalibration: 'Miscalibration',
  'dead-network': 'Dead network',
  'dead-units': 'Dead units',
  plateau: 'Plateau (learning rate too low)',
  oscillation: 'Oscillation (learning rate too high)',
  'class-imbalance': 'Class imbalance',
  'mislabeled-rows': 'Suspected mislabeled rows',
  'learning-rate': 'Learning rate',
};

/**
 * The display name of a flag kind; an unknown kind (from a newer log or host) is shown with its id
 * made readable. Pure and import-free beyond types: the webview bundles this file too.
 */
export function flagTitle(kind: FlagKind | string): string {
  return (FLAG_TITLES as Record<string, string>)[kind] ?? kind.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
