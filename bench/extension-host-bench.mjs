// Builds and runs bench/extension-host-bench.ts (see there). `npm run bench:host`.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watPlugin } from '../scripts/esbuild-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'out', 'worker.js')) || !existsSync(path.join(root, 'out', 'extension.js'))) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--no-tests'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}
await esbuild.build({
  entryPoints: ['bench/extension-host-bench.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: 'out/bench/extension-host-bench.js',
  absWorkingDir: root,
  plugins: [watPlugin],
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['out/bench/extension-host-bench.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
