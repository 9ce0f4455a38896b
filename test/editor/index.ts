// The integration suite's runner, loaded by the extension host of a real VS Code as its
// `extensionTestsPath`. Both launchers use it: @vscode/test-electron (desktop VS Code) and the
// offline code-server launcher (VS Code for the browser). It runs every out/test/editor/suite/*.test.js
// with mocha and writes a JSON result file, because under code-server the extension host's console
// reaches only the browser.
//
// Suites may use either mocha interface: `describe`/`it` (bdd) or `suite`/`test` (tdd).
import Mocha from 'mocha';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MOCHA_TEST_START } from '../../scripts/test/progress.mjs';

/** Training a small config in a worker takes seconds; a whole test must not hang the run. */
const TEST_TIMEOUT_MS = 60_000;

export interface EditorTestResult {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly files: readonly string[];
  readonly tests: readonly { readonly title: string; readonly state: 'passed' | 'failed' | 'pending'; readonly durationMs?: number }[];
  readonly failures: readonly { readonly title: string; readonly error: string }[];
  readonly vscodeVersion: string;
  readonly appHost: string;
}

/** Where the result goes: $LOSSLENS_EDITOR_RESULT (set by the launchers) or test-results/editor/. */
function resultPath(): string {
  return process.env.LOSSLENS_EDITOR_RESULT ?? path.resolve(__dirname, '..', '..', '..', 'test-results', 'editor', 'result.json');
}

/** The message and the first frames: enough to find the line, short enough to read in CI logs. */
function shortStack(err: Error, frames = 6): string {
  const lines = (err.stack ?? err.message).split('\n');
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  return firstFrame < 0 ? lines.join('\n') : lines.slice(0, firstFrame + frames).join('\n');
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: TEST_TIMEOUT_MS, reporter: 'spec' });
  // Also expose suite/test/suiteSetup/setup...: the tdd interface registers its globals alongside.
  Mocha.interfaces.tdd(mocha.suite);
  const grep = process.env.LOSSLENS_EDITOR_GREP;
  if (grep) mocha.grep(grep);

  const suiteDir = path.join(__dirname, 'suite');
  const files = readdirSync(suiteDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(suiteDir, f));
  for (const f of files) mocha.addFile(f);

  const tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number }[] = [];
  const failures: { title: string; error: string }[] = [];
  const failed = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => resolve(failures));
      // The test command's watchdog reads this line to name the test a stalled run is in.
      runner.on('test', (t) => console.log(`${MOCHA_TEST_START}${t.fullTitle()}`));
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
      runner.on('fail', (t, err: unknown) => {
        const title = t.fullTitle();
        const error = err instanceof Error ? shortStack(err) : String(err);
        failures.push({ title, error });
        // A failing hook is reported as a failure of the hook itself, not of a test.
        tests.push({ title, state: 'failed', durationMs: t.duration });
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });

  // Imported lazily so a broken `vscode` module (never expected) cannot hide the result file.
  const vscode = await import('vscode');
  const result: EditorTestResult = {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: Math.max(failed, failures.length),
    pending: tests.filter((t) => t.state === 'pending').length,
    files: files.map((f) => path.basename(f)),
    tests,
    failures,
    vscodeVersion: vscode.version,
    appHost: vscode.env.appHost,
  };
  const out = resultPath();
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  if (result.failed > 0) throw new Error(`${result.failed} editor test(s) failed`);
  if (result.passed === 0) throw new Error('no editor tests ran');
}
