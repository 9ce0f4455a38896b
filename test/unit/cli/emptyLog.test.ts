// A log with nothing in it is bad input (exit 2), never "no problems found": a CI gate on
// `diagnose --fail-on warning` must not pass on an empty file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

test('diagnose on an empty log exits 2 naming it, with or without --fail-on', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'losslens-empty-'));
  try {
    for (const [name, text] of [['training.log', 'epoch,loss,val_loss\n'], ['metrics.jsonl', ''], ['trainer_state.json', '{"log_history": []}']] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      for (const extra of [[], ['--fail-on', 'warning']]) {
        const r = spawnSync(process.execPath, [path.resolve('out/cli.js'), 'diagnose', file, ...extra], { encoding: 'utf8' });
        assert.equal(r.status, 2, `${name}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`${name}: nothing to diagnose`));
        assert.doesNotMatch(r.stdout, /no problems found/);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
