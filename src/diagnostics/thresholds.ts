/**
 * Threshold overrides: every detector keeps its numbers as named defaults next to their sources,
 * and a config may override any of them as `diagnostics.<detector>.<name>` (e.g.
 * `"diagnostics": { "overfitting": { "generalizationLossAlpha": 10 } }`). The detector key is the
 * flag kind users see in diagnostics.json ("exploding-loss"); the camelCase form ("explodingLoss")
 * is accepted too. `enabled: false` switches a detector off.
 */
/** Threshold overrides by detector (a config's `diagnostics` section); keys are the detectors' named defaults. */
export type DiagnosticsOverrides = Readonly<Record<string, Readonly<Record<string, number | boolean>>>>;

export type ThresholdValues = Readonly<Record<string, number | boolean>>;

/** "exploding-loss" -> "explodingLoss". */
export function camelCaseKey(kind: string): string {
  return kind.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function overridesFor(detector: string, overrides: DiagnosticsOverrides | undefined): Readonly<Record<string, number | boolean>> {
  if (!overrides) return {};
  return { ...(overrides[camelCaseKey(detector)] ?? {}), ...(overrides[detector] ?? {}) };
}

/**
 * The defaults with the config's overrides applied. An override of the wrong type is ignored here
 * (the config validator reports it with its position; see `checkDiagnosticsOverrides`).
 */
export function resolveThresholds<T extends ThresholdValues>(detector: string, defaults: T, overrides: DiagnosticsOverrides | undefined): T {
  const given = overridesFor(detector, overrides);
  const out: Record<string, number | boolean> = { ...defaults };
  for (const [name, value] of Object.entries(given)) {
    if (name in defaults && typeof value === typeof defaults[name] && (typeof value !== 'number' || Number.isFinite(value))) out[name] = value;
  }
  return out as T;
}

/** Whether the config left this detector on. */
export function detectorEnabled(detector: string, overrides: DiagnosticsOverrides | undefined): boolean {
  return overridesFor(detector, overrides)['enabled'] !== false;
}

export interface OverrideProblem {
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * Problems in a `diagnostics` block against the known detectors and their defaults, for the config
 * validator: unknown detector, unknown threshold (with the valid names), wrong type.
 */
export function checkDiagnosticsOverrides(overrides: unknown, known: Readonly<Record<string, ThresholdValues>>): OverrideProblem[] {
  const problems: OverrideProblem[] = [];
  if (overrides === undefined) return problems;
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    return [{ path: ['diagnostics'], message: '"diagnostics" must be an object of detector names, e.g. { "overfitting": { "generalizationLossAlpha": 10 } }.' }];
  }
  const byCamel = new Map(Object.keys(known).map((k) => [camelCaseKey(k), k]));
  for (const [detector, values] of Object.entries(overrides as Record<string, unknown>)) {
    const kind = detector in known ? detector : byCamel.get(detector);
    if (!kind) {
      problems.push({ path: ['diagnostics', detector], message: `Unknown detector "${detector}". Known: ${Object.keys(known).join(', ')}.` });
      continue;
    }
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      problems.push({ path: ['diagnostics', detector], message: `"diagnostics.${detector}" must be an object of threshold names.` });
      continue;
    }
    const defaults = known[kind]!;
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      if (name === 'enabled') {
        if (typeof value !== 'boolean') problems.push({ path: ['diagnostics', detector, name], message: `"diagnostics.${detector}.enabled" must be true or false.` });
        continue;
      }
      if (!(name in defaults)) {
        problems.push({ path: ['diagnostics', detector, name], message: `Unknown threshold "${name}" for ${kind}. Known: enabled, ${Object.keys(defaults).join(', ')}.` });
      } else if (typeof value !== typeof defaults[name] || (typeof value === 'number' && !Number.isFinite(value))) {
        problems.push({ path: ['diagnostics', detector, name], message: `"diagnostics.${detector}.${name}" must be a ${typeof defaults[name]} (default ${String(defaults[name])}).` });
      }
    }
  }
  return problems;
}
