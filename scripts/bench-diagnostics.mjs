// `npm run bench:diagnostics`: bundles the scenario bench (test/scenarios/bench.ts) and runs it.
// Prints detection delays, false positives on healthy runs and mislabeled-row precision/recall.
// Seeds: LOSSLENS_BENCH_SEEDS=0,1,2 (default).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watPlugin } from './esbuild-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'out', 'bench', 'bench-diagnostics.js');
await esbuild.build({
  entryPoints: [path.join(root, 'test/scenarios/bench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [watPlugin],
  absWorkingDir: root,
});
const r = spawnSync(process.execPath, ['--enable-source-maps', outfile], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
