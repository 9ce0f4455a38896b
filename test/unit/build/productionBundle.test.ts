// The packaged extension carries no test hook: a production build of every target, into a scratch
// folder, has no `__lossLensDebug` (the development and test builds do, for the browser tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));

test('a production build has no test hook; a development build has it', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'losslens-prod-'));
  try {
    for (const [flag, expectHook] of [['--production', false], ['--no-tests', true]] as const) {
      const out = path.join(scratch, flag.slice(2));
      const r = spawnSync(process.execPath, ['scripts/build.mjs', flag, '--no-tests', '--outdir', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const bundles = files(out).filter((f) => f.endsWith('.js'));
      assert.ok(bundles.some((f) => f.endsWith(path.join('webview', 'dashboard.js'))), bundles.join());
      const withHook = bundles.filter((f) => readFileSync(f, 'utf8').includes('__lossLensDebug'));
      assert.equal(withHook.length > 0, expectHook, `${flag}: ${withHook.map((f) => path.relative(out, f)).join(', ') || 'no bundle'} carries the hook`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
