// UI end-to-end: the command palette as a new user meets it (a fresh profile: no command history).
// Typing "Loss Lens: Train" and pressing Enter must run lossLens.train: VS Code orders matches by
// label when there is no history, so no other Loss Lens title may match "Train" ahead of it. The
// rows are read in the order the palette shows them (their list index), then Enter trains the open
// config, which the status-bar readout proves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { artifacts, openFile, openSession, runCommand, sel } from './session.mjs';

const WAIT_MS = 60_000;

/** The palette's rows, in display order (a monaco list places rows absolutely: sort by data-index). */
async function paletteRows(page) {
  return page.locator(sel.quickRow).evaluateAll((rows) =>
    rows
      .map((r) => ({ index: Number(r.getAttribute('data-index')), label: r.querySelector('.label-name')?.textContent?.trim() ?? '' }))
      .sort((a, b) => a.index - b.index)
      .map((r) => r.label),
  );
}

/** Types a query into the command palette and waits until the row `expected` is listed. */
async function typeInPalette(page, query, expected) {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator(sel.quickInput);
    await input.waitFor();
    await input.fill(`>${query}`);
    try {
      await page.locator(sel.quickRow).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${expected}$`) }) }).first().waitFor({ timeout: 15_000 });
      return;
    } catch (error) {
      // Under load the palette can take the text before its command list has the extension's commands.
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

describe('the command palette: "Loss Lens: Train" is the top match for its own name', { timeout: 180_000 }, () => {
  let s;

  before(async () => {
    s = await openSession();
    await s.page.goto(s.url);
    await s.page.locator(sel.statusBar).waitFor({ timeout: WAIT_MS });
    // The Configs tree is filled by the extension: it is active before the palette is used.
    await s.page.locator(sel.activityItem('Loss Lens')).click();
    await s.page.locator('.pane-body .monaco-list-row', { hasText: 'iris' }).first().waitFor({ timeout: WAIT_MS });
  });

  after(async () => {
    if (!s) return;
    await s.screenshot('palette-final').catch(() => undefined);
    await s.close();
  });

  it('lists "Loss Lens: Train" first, and Enter trains the open config', () => s.step(async () => {
    const { page } = s;
    await openFile(page, 'iris.losslens.json');
    await typeInPalette(page, 'Loss Lens: Train', 'Loss Lens: Train');
    const rows = await paletteRows(page);
    console.log(`palette rows for "Loss Lens: Train": ${rows.map((r) => `"${r}"`).join(', ')}`);
    await s.screenshot('palette-train');
    assert.equal(rows[0], 'Loss Lens: Train', `rows: ${rows.join(' | ')}`);
    // No other Loss Lens command matches the main command's name at all.
    assert.deepEqual(rows.filter((r) => r.startsWith('Loss Lens:')), ['Loss Lens: Train'], `rows: ${rows.join(' | ')}`);
    await page.keyboard.press('Enter');
    // statusText(): "<icon> <epoch>/<epochs> loss <train><trend> val <val><trend>" — the run started.
    await page.locator(sel.statusItem, { hasText: /\d+\/30 loss .+ val / }).first().waitFor({ timeout: WAIT_MS });
  }));

  it('shows the Loss Lens icon in the activity bar, in the light and the dark theme (screenshots to look at)', () => s.step(async () => {
    const { page } = s;
    const icon = page.locator(sel.activityItem('Loss Lens'));
    // The workbench draws a view container's icon as a CSS mask of its SVG in the theme's colour.
    const mask = await icon.evaluate((el) => getComputedStyle(el).webkitMaskImage || getComputedStyle(el).maskImage);
    assert.match(mask, /loss-lens\.svg/, mask);
    const bar = page.locator('.part.activitybar');
    const kind = async () => ((await page.locator('.monaco-workbench.vs-dark').count()) ? 'dark' : 'light');
    const first = await kind();
    await bar.screenshot({ path: `${artifacts}/activitybar-${first}.png` });
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    await page.locator(first === 'dark' ? '.monaco-workbench.vs' : '.monaco-workbench.vs-dark').waitFor({ timeout: WAIT_MS });
    await bar.screenshot({ path: `${artifacts}/activitybar-${first === 'dark' ? 'light' : 'dark'}.png` });
  }));

  it('finds the renamed commands by their new titles', () => s.step(async () => {
    const { page } = s;
    for (const title of ['Loss Lens: Create Config...', 'Loss Lens: Open Log or Run Folder...']) {
      await typeInPalette(page, title.replace(/\.\.\.$/, ''), title.replace(/[.]/g, '\\.'));
      const rows = await paletteRows(page);
      assert.equal(rows[0], title, `rows: ${rows.join(' | ')}`);
      await page.keyboard.press('Escape');
    }
  }));
});
