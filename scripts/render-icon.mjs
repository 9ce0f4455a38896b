// Renders the activity-bar icon (media/icons/loss-lens.svg) as VS Code draws it: a CSS mask filled
// with the theme's icon colour, at 16 and 24 px, on the light and dark activity bars, beside the
// workbench's own icons (codicons) when the offline editor's font is installed. Writes
// test-results/icon/icon-{dark,light}.png at 1x, and an 5x nearest-neighbour enlargement of each,
// to look at. Usage: node scripts/render-icon.mjs [icon.svg ...]   (Debian's Chromium)
//   --png  also writes media/icons/loss-lens.png (128 px, the marketplace icon) from loss-lens-marketplace.svg
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, chromiumPath } from './editor/chromium.mjs';
import { editorDir } from './editor/paths.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'test-results', 'icon');
const args = process.argv.slice(2).filter((a) => a !== '--png');
const icons = (args.length ? args : [path.join(root, 'media', 'icons', 'loss-lens.svg')]).map((f) => path.resolve(f));

/** VS Code's Default Dark Modern and Default Light Modern activity bars: background, active and inactive icon colours. */
const THEMES = {
  dark: { background: '#181818', active: '#d7d7d7', inactive: '#868686' },
  light: { background: '#f8f8f8', active: '#1f1f1f', inactive: '#616161' },
};
/** Neighbours in the activity bar: Explorer, Search, Source Control, Run and Debug, Extensions (codicon code points). */
const CODICONS = [0xeaf0, 0xea6d, 0xea68, 0xeb91, 0xeae6];

const font = path.join(editorDir(), 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'media', 'codicon.ttf');
const dataUrl = (file, type) => `data:${type};base64,${readFileSync(file).toString('base64')}`;

function page(theme) {
  const t = THEMES[theme];
  const codicons = existsSync(font) ? CODICONS.map((c) => `<span class="codicon" style="font-size:SIZEpx;color:${t.inactive}">&#x${c.toString(16)};</span>`).join('') : '';
  const masks = icons.map((file, i) => `<span class="mask" style="width:SIZEpx;height:SIZEpx;-webkit-mask-size:SIZEpx;-webkit-mask-image:url(${dataUrl(file, 'image/svg+xml')});background:${i === 0 ? t.active : t.inactive}"></span>`).join('');
  const row = (size) => `<div class="row">${(codicons + masks).replaceAll('SIZE', String(size))}</div>`;
  return `<!doctype html><style>
    ${existsSync(font) ? `@font-face { font-family: codicon; src: url(${dataUrl(font, 'font/ttf')}); }` : ''}
    body { margin: 0; background: ${t.background}; }
    .row { display: flex; gap: 12px; padding: 6px 8px; align-items: center; }
    .codicon { font-family: codicon; line-height: 1; }
    .mask { display: inline-block; -webkit-mask-repeat: no-repeat; -webkit-mask-position: 50% 50%; }
  </style><body><div id="all" style="display:inline-block">${row(16)}${row(24)}</div></body>`;
}

const executablePath = chromiumPath();
if (!executablePath) throw new Error("Debian's Chromium is not installed (apt-get install chromium)");
const { chromium } = await import('playwright-core');
const browser = await chromium.launch(chromiumLaunchOptions(executablePath));
mkdirSync(out, { recursive: true });
try {
  for (const theme of Object.keys(THEMES)) {
    const p = await browser.newPage({ deviceScaleFactor: 1 });
    await p.setContent(page(theme));
    await p.evaluate(() => document.fonts.ready);
    const file = path.join(out, `icon-${theme}.png`);
    const png = await p.locator('#all').screenshot({ path: file });
    // The same pixels enlarged 5x without smoothing, to judge what 16 px really shows.
    const { width, height } = await p.locator('#all').boundingBox();
    const zoom = await browser.newPage({ deviceScaleFactor: 1, viewport: { width: Math.ceil(width) * 5, height: Math.ceil(height) * 5 } });
    await zoom.setContent(`<body style="margin:0"><img style="image-rendering:pixelated;width:${Math.ceil(width) * 5}px" src="data:image/png;base64,${png.toString('base64')}"></body>`);
    await zoom.locator('img').screenshot({ path: path.join(out, `icon-${theme}-5x.png`) });
    console.log(`${file} (and -5x)`);
  }
  if (process.argv.includes('--png')) {
    const p = await browser.newPage({ deviceScaleFactor: 1, viewport: { width: 128, height: 128 } });
    await p.setContent(`<body style="margin:0;background:transparent"><img style="display:block" width="128" height="128" src="${dataUrl(path.join(root, 'media', 'icons', 'loss-lens-marketplace.svg'), 'image/svg+xml')}"></body>`);
    await p.locator('img').evaluate((img) => img.decode());
    await p.locator('img').screenshot({ path: path.join(root, 'media', 'icons', 'loss-lens.png'), omitBackground: true });
    console.log('media/icons/loss-lens.png');
  }
} finally {
  await browser.close();
}
