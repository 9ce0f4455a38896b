// One editor session for the UI end-to-end tests: code-server with the built extension installed
// (symlinked into a fresh extensions dir), a fresh copy of the test workspace, and Debian's
// Chromium driven by playwright-core. Everything is torn down in `close()` (the server's whole
// process group), and also if the test process dies.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, copyWorkspace, makeScratch, removeScratch, startCodeServer } from '../../scripts/editor/codeServer.mjs';
import { ensureEditor } from '../../scripts/editor/install.mjs';
import { explained } from './workbenchState.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifacts = path.join(root, 'test-results', 'e2e');

/** The workbench's parts, by the selectors VS Code 1.139 renders. */
export const sel = {
  statusBar: '.monaco-workbench .part.statusbar',
  statusItem: '.part.statusbar .statusbar-item',
  quickInput: '.quick-input-widget .quick-input-box input',
  quickRow: '.quick-input-widget .monaco-list-row',
  activityItem: (title) => `.part.activitybar .action-item .action-label[aria-label^="${title}"]`,
  /** The icon's container, which carries aria-expanded (true while its view container is open). */
  activityContainer: (title) => `.part.activitybar .action-item:has(> .action-label[aria-label^="${title}"])`,
  /** The dashboard panel's webview (not a webview view), then its content frame. */
  dashboardFrame: 'iframe.webview.ready:not([src*="purpose=webviewView"])',
};

export async function openSession({ workspaceDir = path.join(root, 'test', 'editor', 'workspace'), viewport = { width: 1440, height: 900 } } = {}) {
  const editor = ensureEditor({ needChromium: true });
  if (!editor?.chromium) throw new Error('the offline editor or Chromium is not available (see the [editor-install] messages above)');
  const { chromium } = await import('playwright-core');
  mkdirSync(artifacts, { recursive: true });
  const scratch = makeScratch('loss-lens-e2e-');
  const workspace = copyWorkspace(workspaceDir, scratch);
  let server;
  let browser;
  try {
    // LOSSLENS_E2E_VSIX=loss-lens.vsix runs the same steps on the packaged extension, installed
    // with --install-extension as a user would; by default the built checkout is loaded.
    const vsix = process.env.LOSSLENS_E2E_VSIX ? path.resolve(root, process.env.LOSSLENS_E2E_VSIX) : undefined;
    server = await startCodeServer({ editor, scratch, workspace, ...(vsix ? { installVsix: vsix } : { installExtensionFrom: root }) });
    browser = await chromium.launchPersistentContext(path.join(scratch, 'chromium'), { ...chromiumLaunchOptions(editor.chromium), viewport });
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeScratch(scratch);
    throw err;
  }
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  let shot = 0;
  return {
    page,
    server,
    workspace,
    consoleErrors,
    url: `${server.url}/?folder=${encodeURI(workspace)}`,
    /** Runs one UI step; a failure's message carries what the editor showed (CI keeps only logs). */
    step: (fn) => explained(page, server.userData, fn),
    /** Saves a numbered PNG under test-results/e2e/ and returns its path. */
    async screenshot(name) {
      shot += 1;
      const file = path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.stop();
      if (!process.env.LOSSLENS_KEEP_SCRATCH) removeScratch(scratch);
    },
  };
}

/** Runs a palette command by its title, as a user would: F1, type, pick the row, Enter. */
export async function runCommand(page, title) {
  // Fuzzy matching may rank another command first (before issue 14, "New Training Config" for "Train"): click the
  // row whose label is exactly the title.
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator(sel.quickRow).filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  // Under load the palette can take the typed text before it has switched to command mode (or
  // show a list computed before the extension's commands were in): close it and type again, as a
  // person would, up to three times.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator(sel.quickInput);
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: attempt < 3 ? 10_000 : 30_000 });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await row.click();
}

/** Opens a workspace file through Quick Open (the palette without the ">" prefix). */
export async function openFile(page, name) {
  await page.keyboard.press('F1');
  const input = page.locator(sel.quickInput);
  await input.waitFor();
  await input.fill(name);
  await page.locator(sel.quickRow, { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label*="${name}"]`).first().waitFor();
  // A person reads the file before acting on it: wait for its text, not just its tab.
  await page.locator('.part.editor .monaco-editor .view-lines .view-line').first().waitFor();
}
