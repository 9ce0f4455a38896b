/**
 * Flag names and severity order for the dashboard. The names come from the one table the host, the
 * CLI and the sidebar use (src/diagnostics/titles.ts, pure and listed in webview/tsconfig.json), so
 * a flag is called the same everywhere a person meets it.
 */
import type { Severity } from '../../src/diagnostics/types';

export { FLAG_TITLES, flagTitle } from '../../src/diagnostics/titles';

/** Errors first, then warnings, then information. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { error: 'Error', warning: 'Warning', info: 'Info' };
