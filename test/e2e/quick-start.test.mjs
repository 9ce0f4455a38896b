// UI end-to-end: the README's first quick-start command. `npm start` (scripts/start.mjs), on a
// machine without desktop VS Code, serves the browser editor on 127.0.0.1, prints the URL, and the
// page it prints has Loss Lens active on the examples, ready to train; Ctrl-C stops it all.
// The examples are copied to a scratch folder so the runs written here never touch the clone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromiumLaunchOptions, copyWorkspace, freePort, makeScratch, removeScratch } from '../../scripts/editor/codeServer.mjs';
import { chromiumPath } from '../../scripts/editor/paths.mjs';
import { artifacts, openFile, root, runCommand, sel } from './session.mjs';
import { explained } from './workbenchState.mjs';

const WAIT_MS = 60_000;

describe('npm start: Loss Lens in the browser editor on the examples', { timeout: 180_000 }, () => {
  let scratch;
  let start;
  let exited;
  let browser;
  let page;
  let url;
  let port;
  let output = '';

  before(async () => {
    scratch = makeScratch('loss-lens-start-test-');
    const workspace = copyWorkspace(path.join(root, 'examples'), scratch);
    port = await freePort();
    // The test command has just built everything; the browser editor is forced (a desktop `code`
    // on the PATH would otherwise be preferred).
    start = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOSSLENS_START_EDITOR: 'code-server', LOSSLENS_START_WORKSPACE: workspace, LOSSLENS_START_NO_BUILD: '1', LOSSLENS_PORT: String(port) },
    });
    exited = new Promise((resolve) => start.on('exit', (code, signal) => resolve({ code, signal })));
    start.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL within ${WAIT_MS / 1000} s:\n${output}`)), WAIT_MS);
      start.stdout.setEncoding('utf8').on('data', (d) => {
        output += d;
        const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      void exited.then(({ code }) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${output}`)));
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(path.join(scratch, 'chromium'), { ...chromiumLaunchOptions(chromiumPath()), viewport: { width: 1440, height: 900 } });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (start && start.exitCode === null && start.signalCode === null) {
      start.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (start.exitCode === null && start.signalCode === null) start.kill('SIGKILL');
    }
    if (scratch) removeScratch(scratch);
  });

  /** npm start's editor keeps its logs to itself: a failed step reports what the page showed. */
  const step = (fn) => () => explained(page, undefined, fn);

  it('prints a loopback URL whose page shows the examples in the Loss Lens view', step(async () => {
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/`));
    await page.goto(url);
    await page.locator(sel.statusBar).waitFor({ timeout: WAIT_MS });
    await page.locator(sel.activityItem('Loss Lens')).click();
    for (const name of ['iris', 'overfitting', 'exploding']) {
      await page.locator('.pane-body .monaco-list-row', { hasText: name }).first().waitFor({ timeout: WAIT_MS });
    }
  }));

  it('trains the iris example from the palette', step(async () => {
    await openFile(page, 'iris.losslens.json');
    await runCommand(page, 'Loss Lens: Train');
    const readout = page.locator(sel.statusItem, { hasText: /\d+\/60 loss .+ val / }).first();
    await readout.waitFor({ timeout: WAIT_MS });
    await page.screenshot({ path: path.join(artifacts, 'quick-start-iris.png') });
  }));

  it('stops the editor on Ctrl-C and exits cleanly', async () => {
    start.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 0, output);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }), 'the editor still answers after Ctrl-C');
  });
});
