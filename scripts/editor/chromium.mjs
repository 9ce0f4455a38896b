// Debian's Chromium, the one browser every test drives (playwright-core, never a downloaded
// browser): where it is, and the flags it runs with headless on these machines. Shared by the
// webview harness, the editor launcher and the UI end-to-end tests.
import { existsSync } from 'node:fs';

/** Debian's Chromium: Playwright drives it, never a downloaded browser. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** $LOSS_LENS_CHROMIUM if it exists, else Debian's Chromium, else null. */
export function chromiumPath() {
  if (process.env.LOSS_LENS_CHROMIUM) return existsSync(process.env.LOSS_LENS_CHROMIUM) ? process.env.LOSS_LENS_CHROMIUM : null;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Launch options for Debian's Chromium, headless (the recipe's flags). */
export function chromiumLaunchOptions(executablePath, headless = true) {
  return {
    executablePath,
    headless,
    args: [
      ...(headless ? ['--headless'] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  };
}
