// How a launcher run from the command line (test/editor/launch-*.mjs) ends: it prints the verdict,
// writes the outcome to $LOSSLENS_EDITOR_OUTCOME when the test command asked for it (it runs each
// launcher as a child under its watchdog), and exits 0 only if tests ran and all passed.
import { writeFileSync } from 'node:fs';

/**
 * @param {string} name  e.g. "code-server", "desktop VS Code"
 * @param {() => Promise<{ result: any, exitCode: number | null, error: string | null }>} run
 */
export async function finishLauncher(name, run) {
  let outcome;
  try {
    outcome = await run();
  } catch (err) {
    // The editor could not run at all (not installed, would not start): a message, not a stack.
    outcome = { result: null, exitCode: null, error: err instanceof Error ? err.message : String(err) };
  }
  if (process.env.LOSSLENS_EDITOR_OUTCOME) writeFileSync(process.env.LOSSLENS_EDITOR_OUTCOME, JSON.stringify(outcome));
  const { result, exitCode, error } = outcome;
  if (error) console.error(`editor tests (${name}): ${error}`);
  if (result) console.log(`editor tests (${name}, VS Code ${result.vscodeVersion}): ${result.passed} passed, ${result.failed} failed`);
  process.exit(!error && exitCode === 0 && result && result.failed === 0 && result.passed > 0 ? 0 : 1);
}
