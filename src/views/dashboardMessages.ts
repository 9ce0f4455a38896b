/**
 * The dashboard's incoming-message gate, pure so it is unit-tested: the message must parse
 * (`parseWebviewToHost`), any run it names must be one the dashboard was shown, and a range test it
 * names must be the one it shows.
 */
import { parseWebviewToHost, type WebviewToHost } from '../protocol/webview';

export type GateResult = { readonly ok: true; readonly message: WebviewToHost } | { readonly ok: false; readonly reason: string };

export function gateDashboardMessage(raw: unknown, shownRunIds: readonly string[], shownRangeTestId?: string): GateResult {
  const message = parseWebviewToHost(raw);
  if (!message) return { ok: false, reason: 'malformed message' };
  if ('runId' in message && !shownRunIds.includes(message.runId)) return { ok: false, reason: `run ${message.runId} was not shown in this dashboard` };
  if ((message.type === 'rangeTest/apply' || message.type === 'rangeTest/close') && message.id !== shownRangeTestId) return { ok: false, reason: `range test ${message.id} is not the one shown` };
  return { ok: true, message };
}
