/**
 * TestProgress: which test a layer is in, from node's test runner events (progressReporter.mjs)
 * and the mocha runner's start lines, for the watchdog's message.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MOCHA_TEST_START, PROGRESS_EVENT, TestProgress } from '../../../scripts/test/progress.mjs';

const FILE = '/repo/out/test/unit/a.test.js';
const ev = (kind: string, name: string, nesting: number, extra: { suite?: boolean } = {}) => `${PROGRESS_EVENT}${JSON.stringify({ kind, name, nesting, file: FILE, ...extra })}`;

describe('TestProgress', () => {
  test('follows nested suites and tests through node:test events, and hides the event lines', () => {
    const p = new TestProgress('/repo');
    assert.equal(p.where(), null);
    assert.equal(p.line(ev('start', FILE, 0)), false);
    assert.equal(p.where(), 'out/test/unit/a.test.js, outside any test (loading, or a top-level hook)');
    p.line(ev('start', 'outer', 0));
    p.line(ev('start', 'first', 1));
    assert.equal(p.where(), 'test "outer > first" (out/test/unit/a.test.js)');
    p.line(ev('end', 'first', 1));
    p.line(ev('pass', 'first', 1));
    p.line(ev('start', 'inner', 1));
    p.line(ev('start', 'second', 2));
    assert.equal(p.where(), 'test "outer > inner > second" (out/test/unit/a.test.js)');
    p.line(ev('end', 'second', 2));
    p.line(ev('fail', 'second', 2));
    p.line(ev('end', 'inner', 1));
    p.line(ev('pass', 'inner', 1, { suite: true }));
    p.line(ev('start', 'third', 1));
    assert.equal(p.where(), 'test "outer > third" (out/test/unit/a.test.js)');
    p.line(ev('end', 'third', 1));
    p.line(ev('end', 'outer', 0));
    p.line(ev('end', FILE, 0));
    assert.equal(p.where(), 'the step after test "outer"');
    // Suites are not counted as tests.
    assert.deepEqual([p.passed, p.failed], [1, 1]);
  });

  test('names the mocha test last started, and hides its marker line', () => {
    const p = new TestProgress('/repo');
    assert.equal(p.line('  Loss Lens commands'), true);
    assert.equal(p.line(`${MOCHA_TEST_START}Loss Lens commands trains iris to completion`), false);
    assert.equal(p.line('    ✔ trains iris to completion (812ms)'), true);
    assert.equal(p.where(), 'test "Loss Lens commands trains iris to completion"');
  });

  test('shows a line that only looks like an event', () => {
    const p = new TestProgress('/repo');
    assert.equal(p.line(`${PROGRESS_EVENT}{not json`), true);
    assert.equal(p.where(), null);
  });
});
