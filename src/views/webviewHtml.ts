/**
 * The HTML shell of the dashboard webview, as a pure function so the extension's panel host and the
 * real-Chromium tests load the very same page under the very same Content Security Policy.
 *
 * CSP (vscode-extension-samples `webview-sample`): `default-src 'none'`, scripts only with this
 * load's nonce (no inline script, no `unsafe-eval`), styles and fonts only from the extension's
 * own resource origin (`cspSource`) or carrying the nonce, images from that origin or `data:` (the
 * PNG export of the charts is a data URL). Nothing may be fetched or connected to; `form-action`
 * and `base-uri`, which `default-src` does not cover, are 'none' too.
 *
 * The nonce is also published in `<meta property="csp-nonce">`: the toolkit's FAST foundation reads
 * it there to create its one probing <style> element (`canUseFocusVisible`) without `unsafe-inline`.
 */

export interface DashboardHtmlOptions {
  /** `webview.cspSource`: the origin VS Code serves `localResourceRoots` from. */
  readonly cspSource: string;
  /** `webview.asWebviewUri(out/webview/dashboard.js)`. */
  readonly scriptUri: string;
  /** `webview.asWebviewUri(out/webview/dashboard.css)`. */
  readonly styleUri: string;
  /** A fresh `makeNonce()` for every load of the HTML. */
  readonly nonce: string;
  /** Optional codicon font stylesheet. */
  readonly codiconsUri?: string;
  /** Document title (the panel title is set by the host; this is for screen readers). */
  readonly title?: string;
}

/** 32 characters from [A-Za-z0-9]: 190 bits, well past CSP3's advice of at least 128 bits. */
const NONCE_LENGTH = 32;
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A nonce for one load of the webview, from the platform's cryptographic generator. */
export function makeNonce(): string {
  // 256 % 62 != 0, so a plain modulo would favour the first letters: reject bytes >= 248 (4 * 62).
  const unbiasedLimit = NONCE_ALPHABET.length * Math.floor(256 / NONCE_ALPHABET.length);
  let nonce = '';
  const bytes = new Uint8Array(NONCE_LENGTH * 2);
  while (nonce.length < NONCE_LENGTH) {
    globalThis.crypto.getRandomValues(bytes);
    for (const byte of bytes) if (byte < unbiasedLimit && nonce.length < NONCE_LENGTH) nonce += NONCE_ALPHABET[byte % NONCE_ALPHABET.length];
  }
  return nonce;
}

/** Escapes a value for a double-quoted HTML attribute. */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy the dashboard runs under. */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    // Not covered by default-src: no form may post anywhere, and no <base> may redirect relative URLs.
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The whole HTML document of the dashboard webview. */
export function dashboardHtml(options: DashboardHtmlOptions): string {
  const { cspSource, scriptUri, styleUri, nonce, codiconsUri } = options;
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('dashboardHtml: the nonce must be at least 16 base64/alphanumeric characters');
  const title = options.title ?? 'Loss Lens dashboard';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(dashboardCsp(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${attr(nonce)}">
<link rel="stylesheet" href="${attr(styleUri)}" nonce="${attr(nonce)}">
${codiconsUri ? `<link rel="stylesheet" href="${attr(codiconsUri)}" nonce="${attr(nonce)}">\n` : ''}<title>${attr(title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="ll-empty">Loading the dashboard…</p></main>
<script nonce="${attr(nonce)}" src="${attr(scriptUri)}"></script>
</body>
</html>
`;
}
