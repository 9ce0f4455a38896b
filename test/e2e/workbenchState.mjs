// What a person would see on the screen when a UI step fails, as text for the test log: the active
// editor tab, an open quick input and its rows, notifications, the status bar, and the tail of the
// "Loss Lens" output channel and the extension host log. CI keeps only the log, not the screenshots,
// so a failure must explain itself here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const LOG_LINES = 25;

/** @param {import('playwright-core').Page} page @param {string | undefined} userData */
export async function workbenchState(page, userData) {
  const texts = async (selector) => (await page.locator(selector).allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const lines = ['-- what the editor showed --'];
  lines.push(`active tab: ${(await texts('.tabs-container .tab.active')).join(' | ') || '(none)'}`);
  const quickInput = page.locator('.quick-input-widget');
  if (await quickInput.isVisible().catch(() => false)) {
    const value = await page.locator('.quick-input-widget .quick-input-box input').inputValue().catch(() => '');
    const placeholder = await page.locator('.quick-input-widget .quick-input-box input').getAttribute('placeholder').catch(() => '');
    lines.push(`quick input open: value "${value}", placeholder "${placeholder ?? ''}"`);
    for (const row of (await texts('.quick-input-widget .monaco-list-row')).slice(0, 8)) lines.push(`  row: ${row}`);
  } else {
    lines.push('quick input: closed');
  }
  for (const n of await texts('.notification-toast .notification-list-item')) lines.push(`notification: ${n}`);
  lines.push(`status bar: ${(await texts('.part.statusbar .statusbar-item')).join(' | ')}`);
  if (userData) {
    for (const [label, pattern] of [['Loss Lens output', /Loss Lens\.log$/], ['extension host log', /exthost\.log$/]]) {
      const file = newestLog(path.join(userData, 'logs'), pattern);
      if (!file) continue;
      const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-LOG_LINES);
      lines.push(`${label} (${file}):`, ...text.map((l) => `  ${l}`));
    }
  }
  return lines.join('\n');
}

/** Runs a UI step; if it fails, the error carries the workbench's state. */
export async function explained(page, userData, step) {
  try {
    return await step();
  } catch (err) {
    const state = await workbenchState(page, userData).catch((e) => `(could not read the workbench state: ${e})`);
    if (err instanceof Error) {
      err.message = `${err.message}\n${state}`;
      throw err;
    }
    throw new Error(`${String(err)}\n${state}`);
  }
}

function newestLog(dir, pattern) {
  let best;
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name)) {
        const mtime = statSync(p).mtimeMs;
        if (!best || mtime > best.mtime) best = { p, mtime };
      }
    }
  };
  walk(dir);
  return best?.p;
}
