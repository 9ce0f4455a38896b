// Launcher 1 of the integration suite: desktop VS Code through @vscode/test-electron (runTests).
// It downloads VS Code on first use, so it needs update.code.visualstudio.com (or a copy already
// in .vscode-test/) and, on Linux, a display. Where that cannot work, `electronAvailability()` says
// so within seconds and the test command uses the code-server launcher instead.
//
// Usage: node test/editor/launch-electron.mjs   (after `node scripts/build.mjs --tests`)
import dns from 'node:dns/promises';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyWorkspace, makeScratch, removeScratch } from '../../scripts/editor/codeServer.mjs';
import { finishLauncher } from './launchOutcome.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The desktop VS Code the suite is run against: the same version as the offline code-server. */
export const VSCODE_VERSION = process.env.LOSSLENS_VSCODE_VERSION ?? '1.139.1';
const DOWNLOAD_HOST = 'update.code.visualstudio.com';
/** How long the reachability probe may take before we call the machine offline. */
const PROBE_TIMEOUT_MS = 4_000;

function cachedVsCode() {
  const dir = path.join(root, '.vscode-test');
  return existsSync(dir) && readdirSync(dir).some((name) => name.startsWith('vscode-') && name.includes(VSCODE_VERSION));
}

/** Whether launcher 1 can run here, and if not, why. Fast: a DNS lookup and one HEAD request at most. */
export async function electronAvailability() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display for desktop VS Code (DISPLAY is not set; run under xvfb-run to use it)' };
  }
  if (cachedVsCode()) return { ok: true, reason: `VS Code ${VSCODE_VERSION} is cached in .vscode-test/` };
  try {
    await Promise.race([dns.lookup(DOWNLOAD_HOST), new Promise((_, reject) => setTimeout(() => reject(new Error('DNS timeout')), PROBE_TIMEOUT_MS))]);
    const res = await fetch(`https://${DOWNLOAD_HOST}/api/releases/stable`, { method: 'HEAD', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!res.ok && res.status >= 500) return { ok: false, reason: `${DOWNLOAD_HOST} answered ${res.status}` };
    return { ok: true, reason: `${DOWNLOAD_HOST} is reachable` };
  } catch (err) {
    return { ok: false, reason: `cannot download VS Code: ${DOWNLOAD_HOST} unreachable (${err instanceof Error ? (err.cause?.code ?? err.message) : err})` };
  }
}

/**
 * Runs the suite in desktop VS Code. Resolves to { result, exitCode, error } like the code-server launcher.
 * @param {{ resultFile?: string }} [opts]
 */
export async function runInElectron(opts = {}) {
  const { runTests } = await import('@vscode/test-electron');
  const runner = path.join(root, 'out', 'test', 'editor', 'index.js');
  if (!existsSync(runner)) throw new Error(`${path.relative(root, runner)} is missing: run \`node scripts/build.mjs --tests\` first`);
  const resultFile = opts.resultFile ?? path.join(root, 'test-results', 'editor', 'result.json');
  mkdirSync(path.dirname(resultFile), { recursive: true });
  rmSync(resultFile, { force: true });
  const scratch = makeScratch();
  const workspace = copyWorkspace(path.join(root, 'test', 'editor', 'workspace'), scratch);
  try {
    let exitCode;
    try {
      exitCode = await runTests({
        version: VSCODE_VERSION,
        extensionDevelopmentPath: root,
        extensionTestsPath: runner,
        extensionTestsEnv: { LOSSLENS_EDITOR_RESULT: resultFile },
        launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust', '--user-data-dir', path.join(scratch, 'user-data')],
      });
    } catch (err) {
      // runTests rejects when the tests fail as well as when VS Code cannot start; the result file tells which.
      // TestRunFailedError carries the editor's exit code.
      exitCode = typeof err?.code === 'number' && err.code !== 0 ? err.code : 1;
      if (!existsSync(resultFile)) return { result: null, exitCode, error: `desktop VS Code did not run the suite: ${err instanceof Error ? err.message : err}` };
    }
    const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : null;
    return { result, exitCode, error: result ? null : 'the suite wrote no result file' };
  } finally {
    if (!process.env.LOSSLENS_KEEP_SCRATCH) removeScratch(scratch);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await finishLauncher('desktop VS Code', async () => {
    const availability = await electronAvailability();
    if (!availability.ok) return { result: null, exitCode: null, error: `cannot run: ${availability.reason}` };
    return runInElectron();
  });
}
