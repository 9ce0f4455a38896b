// Debian's Chromium, the one browser every test drives (playwright-core, never a downloaded
// browser): where it is, why it cannot be used, and the flags it runs with headless on these
// machines. Shared by the test command's prerequisites, the webview harness, the editor launcher
// and the UI end-to-end tests.
import { existsSync } from 'node:fs';

/** Debian's Chromium: Playwright drives it, never a downloaded browser. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** $LOSS_LENS_CHROMIUM if it exists, else Debian's Chromium, else null. */
export function chromiumPath() {
  if (process.env.LOSS_LENS_CHROMIUM) return existsSync(process.env.LOSS_LENS_CHROMIUM) ? process.env.LOSS_LENS_CHROMIUM : null;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * Why no Chromium can be used, or null when chromiumPath() finds one. `forced` is true when
 * $LOSS_LENS_CHROMIUM names a missing file: installing Debian's package would not help (the
 * variable wins), so the installer must say so rather than run apt-get.
 * @returns {{ forced: boolean, message: string } | null}
 */
export function chromiumUnavailable() {
  if (chromiumPath()) return null;
  const forced = process.env.LOSS_LENS_CHROMIUM;
  if (forced) {
    const debian = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
    const instead = debian ? `unset it to use ${debian}` : 'unset it to use Debian\'s Chromium (apt-get install chromium)';
    return { forced: true, message: `Chromium not found: LOSS_LENS_CHROMIUM=${forced} does not exist (point it at a Chromium binary, or ${instead})` };
  }
  return { forced: false, message: `Debian's Chromium is not installed (none of ${CHROMIUM_CANDIDATES.join(', ')}; apt-get install chromium, or set LOSS_LENS_CHROMIUM)` };
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
