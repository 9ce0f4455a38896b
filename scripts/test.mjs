// The test command: builds, then runs each layer and reports how many tests ran in each.
// Usage: node scripts/test.mjs [unit|webview|editor|e2e ...]   (default: all layers)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requested = process.argv.slice(2);
const layers = requested.length ? requested : ['unit'];

function walk(dir, match) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p, match) : match.test(name) ? [p] : [];
  });
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  process.stdout.write(r.stdout ?? '');
  return r;
}

const build = spawnSync(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const totals = { passed: 0, failed: 0 };
const summary = [];
for (const layer of layers) {
  if (layer === 'unit' || layer === 'webview') {
    const filter = process.env.LOSSLENS_TEST_FILTER;
    const files = walk(path.join(root, 'out/test', layer), /\.test\.js$/).filter((f) => !filter || f.includes(filter)).sort();
    if (!files.length) {
      summary.push(`${layer}: 0 tests (no test files)`);
      totals.failed += 1;
      continue;
    }
    const r = run(process.execPath, ['--test', '--test-reporter=spec', ...files]);
    const pass = Number(/^ℹ pass (\d+)/m.exec(r.stdout)?.[1] ?? 0);
    const fail = Number(/^ℹ fail (\d+)/m.exec(r.stdout)?.[1] ?? 0) + (r.status !== 0 && pass === 0 ? 1 : 0);
    totals.passed += pass;
    totals.failed += fail + (r.status !== 0 && fail === 0 ? 1 : 0);
    summary.push(`${layer}: ${pass} passed, ${fail} failed`);
  } else {
    summary.push(`${layer}: unknown layer`);
    totals.failed += 1;
  }
}
console.log('\nTest layers:');
for (const line of summary) console.log(`  ${line}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
