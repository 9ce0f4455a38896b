/**
 * The dashboard's incoming-message gate, pure so it is unit-tested: the message must parse
 * (`parseWebviewToHost`), and any run it names must be one the dashboard was shown.
 */
import { parseWebviewToHost, type WebviewToHost } from '../protocol/webview';

export type GateResult = { readonly ok: true; readonly message: WebviewToHost } | { readonly ok: false; readonly reason: string };

export function gateDashboardMessage(raw: unknown, shownRunIds: readonly string[]): GateResult {
  const message = parseWebviewToHost(raw);
  if (!message) return { ok: false, reason: 'malformed message' };
  if ('runId' in message && !shownRunIds.includes(message.runId)) return { ok: false, reason: `run ${message.runId} was not shown in this dashboard` };
  return { ok: true, message };
}
