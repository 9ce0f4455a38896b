/**
 * Flag names, headlines and severity labels for the dashboard. The names, the one-line headlines and
 * the severity order come from the one vocabulary the host, the CLI and the sidebar use (src/model,
 * through src/protocol), so a flag is called and summed up the same everywhere.
 */
import type { Severity } from '../../src/protocol/webview';

export { FLAG_TITLES, fixAction, flagHeadline, flagTitle, severityRank } from '../../src/protocol/webview';

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { error: 'Error', warning: 'Warning', info: 'Info' };
