/** The codicon (and the Problems panel's theme color) that shows a flag's severity in views. */
import type { Severity } from '../model';

export const SEVERITY_ICONS: Readonly<Record<Severity, { readonly icon: string; readonly color: string }>> = {
  error: { icon: 'error', color: 'problemsErrorIcon.foreground' },
  warning: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  info: { icon: 'info', color: 'problemsInfoIcon.foreground' },
};
