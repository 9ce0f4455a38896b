/** Entry of the dashboard webview bundle (out/webview/dashboard.js + dashboard.css). */
import type { HostToWebview } from '../../src/protocol/webview';
import { registerComponents } from '../components';
import { Dashboard, type SavedState } from './app';
import type { DashboardDebug } from './debugTypes';
import { registerCharts } from './chartSetup';
import { vscodeApi } from './vscodeApi';
import './dashboard.css';

declare global {
  interface Window {
    /** Read-only hook for the real-browser tests and the benchmark (development and test builds only). */
    readonly __lossLensDebug?: DashboardDebug;
  }
}

/** Set by the build (scripts/build.mjs): false in the packaged extension. */
declare const LOSSLENS_TEST_HOOKS: boolean;

function start(): void {
  registerComponents();
  registerCharts();
  const api = vscodeApi<SavedState>();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  const dashboard = new Dashboard(root, api);
  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
    const message = event.data;
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    dashboard.handle(message);
  });
  if (LOSSLENS_TEST_HOOKS) Object.defineProperty(window, '__lossLensDebug', { value: Object.freeze(dashboard.debug()), writable: false, configurable: false });
  // Handshake: the host sends nothing until this arrives.
  api.postMessage({ type: 'webview/didBecomeReady' });
}

start();
