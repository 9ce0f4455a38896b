// UI end-to-end: a reload in the middle of a run, as a user does it ("Developer: Reload Window").
// Before it: a finished run with a flag, and a long run training, during which only the live row of
// the Runs view spins. After it: the long run is back as "interrupted at epoch N of 500" with a
// Train Again action, the user is told, and the finished run's flag is back in the Problems panel.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFile, openSession, runCommand, sel } from './session.mjs';

const WAIT_MS = 90_000;
const LONG = '{\n  "name": "long-run",\n  "data": { "source": "digits" },\n  "model": { "hidden": [128] },\n  "training": { "epochs": 500, "batchSize": 8, "earlyStopping": false }\n}\n';
const runsRow = (page, text) => page.locator('.pane-body .monaco-list-row', { hasText: text }).first();

describe('a reload during a run does not end it silently', { timeout: 300_000 }, () => {
  let s;

  before(async () => {
    s = await openSession();
    writeFileSync(path.join(s.workspace, 'long.losslens.json'), LONG);
    await s.page.goto(s.url);
    await s.page.locator(sel.statusBar).waitFor({ timeout: WAIT_MS });
    await s.page.locator(sel.activityItem('Loss Lens')).click();
    await s.page.locator('.pane-body .monaco-list-row', { hasText: 'diverging' }).first().waitFor({ timeout: WAIT_MS });
  });

  after(async () => {
    if (!s) return;
    await s.screenshot('reload-final').catch(() => undefined);
    await s.close();
  });

  it('trains a config that raises a flag, then a long one: only the live run spins', () => s.step(async () => {
    const { page } = s;
    await openFile(page, 'diverging.losslens.json');
    await runCommand(page, 'Loss Lens: Train');
    await runsRow(page, 'Exploding loss').waitFor({ timeout: WAIT_MS });
    await openFile(page, 'long.losslens.json');
    await runCommand(page, 'Loss Lens: Train');
    await runsRow(page, /long-run.*training · epoch \d+ of 500/).waitFor({ timeout: WAIT_MS });
    // Sample the Runs view for a few seconds while the run trains: spinning icons and loading twisties.
    const spinning = new Set();
    for (let i = 0; i < 25; i++) {
      const rows = await page.locator('.pane-body .monaco-list-row').evaluateAll((els) =>
        els.filter((r) => r.querySelector('.codicon-modifier-spin, .codicon-tree-item-loading')).map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''),
      );
      for (const r of rows) spinning.add(r.split(':')[0]);
      await page.waitForTimeout(200);
    }
    await s.screenshot('runs-while-training');
    assert.deepEqual([...spinning].filter((r) => !/long-run/.test(r)), [], `rows spinning besides the live one: ${[...spinning].join(' | ')}`);
  }));

  it('after "Developer: Reload Window" the run is interrupted at the epoch it reached, announced, with Train Again', () => s.step(async () => {
    const { page } = s;
    await runCommand(page, 'Developer: Reload Window');
    await page.locator(sel.statusBar).waitFor({ timeout: WAIT_MS });
    const container = page.locator(sel.activityContainer('Loss Lens'));
    await container.waitFor({ timeout: WAIT_MS });
    if ((await container.getAttribute('aria-expanded')) !== 'true') await container.click();
    const row = runsRow(page, /long-run.*interrupted at epoch \d+ of 500/);
    await row.waitFor({ timeout: WAIT_MS });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /interrupted at epoch [1-9]\d* of 500/);
    await page.locator('.notification-toast', { hasText: /long-run" was interrupted at epoch \d+ of 500/ }).first().waitFor({ timeout: WAIT_MS });
    await row.hover();
    await row.locator('.action-label[aria-label="Train Again"]').waitFor({ timeout: WAIT_MS });
    await s.screenshot('after-reload');
  }));

  it("puts the finished run's flag back in the Problems panel", () => s.step(async () => {
    const { page } = s;
    await runCommand(page, 'Problems: Focus on Problems View');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'Exploding loss' }).first().waitFor({ timeout: WAIT_MS });
    await s.screenshot('problems-after-reload');
  }));
});
