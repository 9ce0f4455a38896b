// UI end-to-end: a user in VS Code (code-server, real Chromium) trains a config whose learning rate
// is far too large, and follows Loss Lens from the palette to the fix:
//   palette "Loss Lens: Train" -> status-bar readout -> dashboard curves + "Exploding loss" flag ->
//   the run in the sidebar -> the flag's quick fix applied from the Problems panel.
// The steps share one editor session and run in order. Screenshots go to test-results/e2e/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFile, openSession, runCommand, sel } from './session.mjs';

const CONFIG = 'diverging.losslens.json';
/** The run's name, from the config's "name". */
const RUN_NAME = 'iris-diverging';
/** Learning rate 50 with SGD on iris: the loss is NaN by epoch 2, so the flag is certain. */
const FLAG_TITLE = 'Exploding loss';
/** The detector's fix: a learning rate 10x lower. */
const FIXED_LEARNING_RATE = /"learningRate":\s*5\b/;
/** Generous waits: the machine running CI may be busy, and nothing here is timed as a test. */
const WAIT_MS = 60_000;

describe('a user trains a diverging config and fixes it from the Problems panel', { timeout: 240_000 }, () => {
  /** @type {Awaited<ReturnType<typeof openSession>>} */
  let s;

  before(async () => {
    s = await openSession();
    await s.page.goto(s.url);
    await s.page.locator(sel.statusBar).waitFor({ timeout: WAIT_MS });
  });

  after(async () => {
    if (!s) return;
    // A final picture of whatever state we ended in (useful when a step failed).
    await s.screenshot('final').catch(() => undefined);
    await s.close();
  });

  it('shows the Loss Lens view with the workspace config once the extension is active', () => s.step(async () => {
    const { page } = s;
    await page.locator(sel.activityItem('Loss Lens')).click();
    // The Configs tree is filled by the extension itself: it proves activation before we use the
    // palette (whose command list could otherwise be stale).
    await page.locator('.pane-body .monaco-list-row', { hasText: 'diverging' }).first().waitFor({ timeout: WAIT_MS });
    await s.screenshot('sidebar-configs');
  }));

  it('trains the open config from the palette ("Loss Lens: Train") and shows the loss in the status bar', () => s.step(async () => {
    const { page } = s;
    await openFile(page, CONFIG);
    await runCommand(page, 'Loss Lens: Train');
    // statusText(): "<icon> <epoch>/<epochs> loss <train><trend> val <val><trend>"
    const readout = page.locator(sel.statusItem, { hasText: /\d+\/20 loss .+ val / }).first();
    await readout.waitFor({ timeout: WAIT_MS });
    const text = (await readout.innerText()).trim();
    assert.match(text, /\d+\/20 loss \S+ val \S+/);
    await s.screenshot('status-bar');
  }));

  it('opens the dashboard with drawn curves and the expected flag', () => s.step(async () => {
    const { page } = s;
    const dashboard = page.frameLocator(sel.dashboardFrame).first().frameLocator('#active-frame');
    const flag = dashboard.locator('.ll-flag', { hasText: FLAG_TITLE }).first();
    await flag.waitFor({ timeout: WAIT_MS });
    const canvases = dashboard.locator('.ll-curves canvas');
    await canvases.first().waitFor({ timeout: WAIT_MS });
    // A chart really drew: count the canvas pixels that are not fully transparent.
    const drawn = await canvases.evaluateAll((els) =>
      els.reduce((sum, c) => {
        const ctx = /** @type {HTMLCanvasElement} */ (c).getContext('2d');
        if (!ctx || !c.width || !c.height) return sum;
        const { data } = ctx.getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
        return sum + n;
      }, 0),
    );
    assert.ok(drawn > 1000, `the curve canvases have only ${drawn} drawn pixels`);
    await s.screenshot('dashboard');
  }));

  it('lists the run, with its flag, in the sidebar', () => s.step(async () => {
    const { page } = s;
    const container = page.locator(sel.activityContainer('Loss Lens'));
    // Clicking the active container's icon would close the sidebar: only click when it is closed.
    if ((await container.getAttribute('aria-expanded')) !== 'true') await container.click();
    const run = page.locator('.pane-body .monaco-list-row', { hasText: RUN_NAME }).first();
    await run.waitFor({ timeout: WAIT_MS });
    // The run's flags are its children. A row first drawn while the run had no flag yet may stay
    // collapsed: expand it as a user would, with its twistie.
    const flagRow = page.locator('.pane-body .monaco-list-row', { hasText: FLAG_TITLE }).first();
    if ((await run.getAttribute('aria-expanded')) === 'false') await run.locator('.monaco-tl-twistie').click();
    await flagRow.waitFor({ timeout: WAIT_MS });
    await s.screenshot('sidebar-runs');
  }));

  it('applies the flag\'s quick fix from the Problems panel, lowering the learning rate in the file', () => s.step(async () => {
    const { page } = s;
    await runCommand(page, 'Problems: Focus on Problems View');
    const marker = page.locator('.markers-panel .monaco-list-row', { hasText: FLAG_TITLE }).first();
    await marker.waitFor({ timeout: WAIT_MS });
    await s.screenshot('problems');
    await marker.click();
    // The Problems panel's "Show fixes" (Ctrl+.) lists the code actions of the selected marker in a
    // menu: the detector's fix, and the same fix followed by a new run.
    await page.keyboard.press('Control+.');
    const fix = page.locator('.context-view .monaco-menu .action-item', { hasText: /^Lower the learning rate/, hasNotText: 'train again' }).first();
    await fix.waitFor({ timeout: WAIT_MS });
    await s.screenshot('quick-fix');
    await fix.click();
    const file = path.join(s.workspace, CONFIG);
    // applyFix saves the document; poll the file on disk.
    const deadline = Date.now() + WAIT_MS;
    let text = readFileSync(file, 'utf8');
    while (!FIXED_LEARNING_RATE.test(text) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      text = readFileSync(file, 'utf8');
    }
    assert.match(text, FIXED_LEARNING_RATE, `the config still reads:\n${text}`);
    assert.match(text, /A learning rate far too large/, 'the fix must keep the comments');
    // The flag's entry leaves the Problems panel once its fix is applied. Until then it may be two
    // rows (the entry and its related information): wait for none to be left, not for "the" one.
    await page.locator('.markers-panel .monaco-list-row', { hasText: FLAG_TITLE }).first().waitFor({ state: 'detached', timeout: WAIT_MS });
    await s.screenshot('fixed');
  }));
});
