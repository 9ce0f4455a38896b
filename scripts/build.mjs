// One esbuild context per target: extension host, training worker, CLI, webview; plus the test
// bundles. Type checking is its own step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watPlugin } from './esbuild-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const args = new Set(argv);
/** `--outdir DIR` builds elsewhere than out/ (the test that checks the production bundle uses it). */
const outRoot = argv.includes('--outdir') ? argv[argv.indexOf('--outdir') + 1] : 'out';
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests') || (!production && !args.has('--no-tests'));

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  plugins: [watPlugin],
  absWorkingDir: root,
};

/** Only entries that exist: the tree grows issue by issue. */
const present = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(path.join(root, file))));

function walk(dir, match) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? walk(rel, match) : match.test(name) ? [rel] : [];
  });
}

const targets = [
  { ...node, entryPoints: present({ extension: 'src/extension.ts' }), outdir: outRoot, external: ['vscode'] },
  { ...node, entryPoints: present({ worker: 'src/worker/trainingWorker.ts' }), outdir: outRoot },
  { ...node, entryPoints: present({ cli: 'src/cli.ts' }), outdir: outRoot },
  {
    ...node,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: present({ dashboard: 'webview/dashboard/main.ts', sidebar: 'webview/sidebar/main.ts' }),
    outdir: path.join(outRoot, 'webview'),
    // The read-only test hook (window.__lossLensDebug) exists in development and test builds only;
    // the packaged extension (--production) carries none.
    define: { LOSSLENS_TEST_HOOKS: production ? 'false' : 'true' },
    loader: { '.css': 'css', '.ttf': 'file' },
  },
];

if (withTests) {
  // Unit and webview-driver tests are bundled too, so they see exactly what ships (and .wat imports).
  // LOSSLENS_TEST_FILTER=engine builds only test files whose path contains "engine".
  const only = (files) => files.filter((f) => !process.env.LOSSLENS_TEST_FILTER || f.includes(process.env.LOSSLENS_TEST_FILTER));
  const unit = only(walk('test/unit', /\.test\.ts$/));
  const webviewTests = only(walk('test/webview', /\.test\.ts$/));
  const editor = walk('test/editor', /\.ts$/);
  const entry = (files) => Object.fromEntries(files.map((f) => [f.replace(/\.ts$/, ''), f]));
  targets.push({ ...node, entryPoints: entry([...unit, ...webviewTests]), outdir: outRoot, external: ['playwright-core', '@tensorflow/*', 'mocha'] });
  if (editor.length) targets.push({ ...node, entryPoints: entry(editor), outdir: outRoot, external: ['vscode', 'mocha'] });
}

const live = targets.filter((t) => Object.keys(t.entryPoints).length > 0);
if (watch) {
  for (const t of live) await (await esbuild.context(t)).watch();
  console.log(`watching ${live.length} targets`);
} else {
  await Promise.all(live.map((t) => esbuild.build(t)));
}
