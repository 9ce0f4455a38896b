/**
 * Flags: what the detectors raise, in the shape diagnostics.json stores (docs/run-folder.md), plus a
 * machine-readable `fix` the editor offers as a quick fix. One vocabulary of kinds, titles and
 * severities for the CLI, the editor and the dashboard.
 */

export type FlagKind =
  | 'overfitting'
  | 'exploding-loss'
  | 'miscalibration'
  | 'dead-network'
  | 'dead-units'
  | 'plateau'
  | 'oscillation'
  | 'class-imbalance'
  | 'mislabeled-rows'
  | 'learning-rate';

/** The names people see for each flag kind ("Overfitting", "Exploding loss", "Miscalibration", ...). */
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

/** The display name of a flag kind; an unknown kind (from a newer log or host) is shown with its id made readable. */
export function flagTitle(kind: FlagKind | string): string {
  return (FLAG_TITLES as Record<string, string>)[kind] ?? kind.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Severities from the mildest to the worst: the one order every view and `--fail-on` use. */
export const SEVERITIES_MILDEST_FIRST = ['info', 'warning', 'error'] as const;

export type Severity = (typeof SEVERITIES_MILDEST_FIRST)[number];

/** 0 for info, 1 for warning, 2 for error: a higher rank is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES_MILDEST_FIRST.indexOf(severity);
}

/** The worst of these severities, or undefined when there are none. */
export function worstSeverity(severities: Iterable<Severity>): Severity | undefined {
  let worst: Severity | undefined;
  for (const s of severities) if (worst === undefined || severityRank(s) > severityRank(worst)) worst = s;
  return worst;
}

/** One config edit: `path` is a dotted key path into the config (e.g. "optimizer.learningRate"). */
export interface ConfigEdit {
  readonly path: string;
  readonly value: unknown;
}

export interface Fix {
  /**
   * What the fix does, imperative, with its reason in a trailing parenthesis: "Turn on early stopping
   * (patience 5, restore the best epoch)". The code action's title; buttons use `fixAction`.
   */
  readonly title: string;
  readonly edits: readonly ConfigEdit[];
}

/** A trailing "(...)" with at most one level of nested parentheses inside. */
const TRAILING_REASON = /\s*\((?:[^()]|\([^()]*\))*\)\s*$/;

/**
 * The fix's action without its reason, for a button ("Turn on early stopping" and train again).
 * A title that is all parenthesis is kept whole.
 */
export function fixAction(fix: Pick<Fix, 'title'>): string {
  const action = fix.title.replace(TRAILING_REASON, '');
  return action.length > 0 ? action : fix.title;
}

export interface Flag {
  readonly kind: FlagKind;
  readonly severity: Severity;
  /** The epoch at which the evidence became enough (1-based). */
  readonly epoch: number;
  /** The global step at which it was raised, for per-step detectors. */
  readonly step?: number;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Alternatives, best first. */
  readonly fix?: readonly Fix[];
}
