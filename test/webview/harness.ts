/**
 * Real-Chromium harness for the dashboard: serves the BUILT bundle (out/webview/dashboard.{js,css})
 * from 127.0.0.1 inside the page that `dashboardHtml` makes (the same CSP the extension uses), and
 * opens it in Debian's /usr/bin/chromium through playwright-core with a stub `acquireVsCodeApi`
 * that records posted messages and state. Every CSP violation is recorded too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { dashboardHtml, makeNonce } from '../../src/views/webviewHtml';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import type { DashboardDebug } from '../../webview/dashboard/debugTypes';
import { THEMES, type TestTheme } from './themes';
import { chromiumLaunchOptions, chromiumPath, chromiumUnavailable } from '../../scripts/editor/chromium.mjs';

/** The built bundle, as `node scripts/build.mjs` writes it. */
const BUNDLE_DIR = 'out/webview';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface Harness {
  readonly origin: string;
  readonly context: BrowserContext;
  /** A new dashboard page; `savedState` is what the stub's getState() returns (a restored webview). */
  open(options?: { theme?: TestTheme; savedState?: unknown; viewport?: { width: number; height: number } }): Promise<DashboardPage>;
  close(): Promise<void>;
}

export interface DashboardPage {
  readonly page: Page;
  /** The HTML the server sent (to check the CSP in it). */
  readonly html: string;
  send(message: HostToWebview): Promise<void>;
  /** Sends and waits until the dashboard has drawn it (its render counter moved). */
  sendAndRender(message: HostToWebview): Promise<void>;
  posted(): Promise<WebviewToHost[]>;
  state(): Promise<unknown>;
  cspViolations(): Promise<string[]>;
  setTheme(theme: TestTheme): Promise<void>;
  /** Runs `read` in the page on the dashboard's read-only test hook (it must not close over anything). */
  debug<T>(read: (d: DashboardDebug) => T): Promise<T>;
}

/** The page globals the harness touches, typed here because the tests are compiled without the DOM lib. */
interface PageElement {
  style: { setProperty(name: string, value: string): void };
  setAttribute(name: string, value: string): void;
  className: string;
}
export interface PageGlobals {
  __lossLensDebug: DashboardDebug;
  __posted: WebviewToHost[];
  __cspViolations: string[];
  __getState(): unknown;
  __stateWrites: number;
  acquireVsCodeApi?: () => unknown;
  postMessage(message: unknown, targetOrigin: string): void;
  document: {
    documentElement: PageElement;
    body: PageElement;
    addEventListener(type: 'securitypolicyviolation', listener: (e: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number }) => void): void;
  };
}

/**
 * The stub of VS Code's webview API, installed before any page script runs. Messages are JSON
 * round-tripped as VS Code does (non-finite numbers become null on the way).
 */
function installVsCodeStub(saved: unknown): void {
  const g = globalThis as unknown as PageGlobals;
  let state: unknown = saved ?? undefined;
  let acquired = false;
  g.__posted = [];
  g.__cspViolations = [];
  g.__stateWrites = 0;
  g.document.addEventListener('securitypolicyviolation', (e) => g.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  g.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m: unknown) => g.__posted.push(JSON.parse(JSON.stringify(m)) as WebviewToHost),
      getState: () => state,
      setState: (s: unknown) => {
        state = JSON.parse(JSON.stringify(s));
        g.__stateWrites++;
        return s;
      },
    };
  };
  g.__getState = () => state;
}

export async function startHarness(options: { bundleDir?: string } = {}): Promise<Harness> {
  // Before anything holds the event loop open: a listening server left behind by a failed start
  // kept the test process alive forever (the `before` hook failed, the file never exited).
  const executable = chromiumPath();
  if (!executable) throw new Error(chromiumUnavailable()?.message ?? "Debian's Chromium is not installed");
  const bundleDir = path.resolve(options.bundleDir ?? BUNDLE_DIR);
  const pages = new Map<string, string>();
  let counter = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = pages.get(url.pathname);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const name = path.basename(url.pathname);
    if (!/^dashboard\.(js|css)(\.map)?$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(path.join(bundleDir, name));
      res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'losslens-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { ...chromiumLaunchOptions(executable), viewport: { width: 1280, height: 900 } });
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    origin,
    context,
    async open(options = {}) {
      const nonce = makeNonce();
      const html = dashboardHtml({ cspSource: origin, scriptUri: `${origin}/assets/dashboard.js`, styleUri: `${origin}/assets/dashboard.css`, nonce });
      const pathname = `/dashboard-${++counter}.html`;
      pages.set(pathname, html);
      const page = await context.newPage();
      if (options.viewport) await page.setViewportSize(options.viewport);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.addInitScript(installVsCodeStub, options.savedState ?? null);
      const dashboard: DashboardPage = {
        page,
        html,
        async send(message) {
          // What VS Code does: JSON across the channel, then a window 'message' event.
          await page.evaluate((json) => (globalThis as unknown as PageGlobals).postMessage(JSON.parse(json), '*'), JSON.stringify(message));
        },
        async sendAndRender(message) {
          const before = await dashboard.debug((d) => d.renders());
          await dashboard.send(message);
          try {
            await page.waitForFunction((b) => (globalThis as unknown as PageGlobals).__lossLensDebug.renders() > b, before);
          } catch (err) {
            // A render that threw never completes: say why, not only that it timed out.
            throw new Error(`${(err as Error).message}\npage errors: ${errors.join('\n') || '(none)'}`);
          }
        },
        posted: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__posted),
        state: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__getState()),
        cspViolations: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations),
        debug: <T>(read: (d: DashboardDebug) => T) =>
          page.evaluate(`(${read.toString()})(globalThis.__lossLensDebug)`) as Promise<T>,
        async setTheme(theme) {
          const t = THEMES[theme];
          await page.evaluate(({ vars, bodyClass }) => {
            const doc = (globalThis as unknown as PageGlobals).document;
            for (const [k, v] of Object.entries(vars)) doc.documentElement.style.setProperty(k, v);
            doc.body.setAttribute('data-vscode-theme-kind', bodyClass);
            doc.body.className = bodyClass;
          }, t);
          await page.waitForFunction((kind) => (globalThis as unknown as PageGlobals).__lossLensDebug.themeKind() === kind, theme);
        },
      };
      await page.goto(`${origin}${pathname}`);
      try {
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__lossLensDebug !== undefined, undefined, { timeout: 10_000 });
      } catch (e) {
        const violations = await dashboard.cspViolations().catch(() => []);
        throw new Error(`the dashboard did not start: ${String(e)}\npage errors: ${errors.join('\n')}\nCSP violations: ${violations.join('\n')}`);
      }
      if (errors.length) throw new Error(`dashboard page errors: ${errors.join('\n')}`);
      if (options.theme) await dashboard.setTheme(options.theme);
      return dashboard;
    },
    async close() {
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
