/**
 * Flag names and severity labels for the dashboard. The names and the severity order come from the
 * one vocabulary the host, the CLI and the sidebar use, so a flag is called the same everywhere.
 */
import type { Severity } from '../../src/protocol/webview';

export { FLAG_TITLES, flagTitle, severityRank } from '../../src/protocol/webview';

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { error: 'Error', warning: 'Warning', info: 'Info' };
