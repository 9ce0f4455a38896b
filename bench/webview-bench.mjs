// Builds the dashboard bundle as production ships it (minified) and runs bench/webview-bench.ts in
// real headless Chromium. `npm run bench:webview`.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await esbuild.build({
  entryPoints: { dashboard: 'webview/dashboard/main.ts' },
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  // A profile names functions: unminified then.
  minify: !process.env.LOSSLENS_PROFILE,
  outdir: 'out/bench/webview',
  // The bench reads the dashboard's test hook, which only development and test builds carry.
  define: { LOSSLENS_TEST_HOOKS: 'true' },
  loader: { '.css': 'css', '.ttf': 'file' },
  absWorkingDir: root,
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: ['bench/webview-bench.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: 'out/bench/webview-bench.js',
  external: ['playwright-core'],
  absWorkingDir: root,
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['out/bench/webview-bench.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
