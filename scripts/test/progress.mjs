// Which test a layer is in, for the watchdog's message when it stalls, read from the layer's output
// lines. Two sources: the event lines of progressReporter.mjs (node's test runner: unit, webview,
// e2e) and the lines the editor suite's mocha runner prints as each test starts
// (test/editor/index.ts prints MOCHA_TEST_START + title).
// (No import.meta here: the editor suite's runner, bundled as CommonJS, imports the marker.)
import path from 'node:path';

/** The prefix of the line test/editor/index.ts prints as each mocha test starts. */
export const MOCHA_TEST_START = '[loss-lens] test started: ';
/** The prefix of progressReporter.mjs's lines (node's test runner). */
export const PROGRESS_EVENT = '[loss-lens] test event: ';

export class TestProgress {
  /** file -> names of the suites/tests running in it, outermost first. */
  #running = new Map();
  #mocha = null;
  #lastEnded = null;

  /** Tests (not suites) that passed and failed so far. */
  passed = 0;
  failed = 0;

  constructor(root = process.cwd()) {
    this.root = root;
  }

  /** One event line of progressReporter.mjs. */
  event(ev) {
    const { kind, name, nesting, file } = ev;
    if (kind === 'pass' && !ev.suite) this.passed += 1;
    if (kind === 'fail' && !ev.suite) this.failed += 1;
    if (!file || (kind !== 'start' && kind !== 'end')) return;
    // Each test file is itself a test at nesting 0, named by its path.
    const isFile = name === file;
    if (kind === 'start') {
      if (isFile) this.#running.set(file, []);
      else {
        const stack = this.#running.get(file) ?? [];
        stack.length = nesting;
        stack[nesting] = name;
        this.#running.set(file, stack);
      }
    } else if (isFile) {
      this.#running.delete(file);
    } else {
      const stack = this.#running.get(file);
      if (stack) stack.length = Math.min(stack.length, nesting);
      this.#lastEnded = name;
    }
  }

  /** One output line of the layer. Returns false for the marker lines, which are not shown. */
  line(text) {
    if (text.startsWith(PROGRESS_EVENT)) {
      try {
        this.event(JSON.parse(text.slice(PROGRESS_EVENT.length)));
        return false;
      } catch {
        return true;
      }
    }
    const at = text.indexOf(MOCHA_TEST_START);
    if (at < 0) return true;
    this.#mocha = text.slice(at + MOCHA_TEST_START.length).trim();
    return false;
  }

  /** Where the layer is, e.g. `test "suite > test" (out/test/unit/x.test.js)`, or null before any test. */
  where() {
    const places = [...this.#running].map(([file, stack]) => {
      const rel = path.relative(this.root, file) || file;
      if (!stack.length) return `${rel}, outside any test (loading, or a top-level hook)`;
      return `test "${stack.filter(Boolean).join(' > ')}" (${rel})`;
    });
    if (places.length) return places.join('; ');
    if (this.#mocha) return `test "${this.#mocha}"`;
    return this.#lastEnded ? `the step after test "${this.#lastEnded}"` : null;
  }
}
