// Launcher 2 of the integration suite: the offline one. Runs the same mocha suite as
// launch-electron.mjs inside the real extension host of VS Code for the browser (code-server),
// opened by Debian's Chromium through playwright-core. The web client reads a `payload` query
// parameter holding extensionDevelopmentPath / extensionTestsPath as vscode-remote:// URIs; it
// honours it only when the server runs with `--vscode-option enable-smoke-test-driver`. The
// extension host's console and exit code reach the page through codeAutomationLog /
// codeAutomationExit; the runner also writes a JSON result file, which is what we read back.
//
// Usage: node test/editor/launch-code-server.mjs   (after `node scripts/build.mjs --tests`)
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import util from 'node:util';
import { chromiumLaunchOptions, copyWorkspace, makeScratch, removeScratch, startCodeServer } from '../../scripts/editor/codeServer.mjs';
import { ensureEditor } from '../../scripts/editor/install.mjs';
import { finishLauncher } from './launchOutcome.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Budget for the whole suite once the page is open; a hung extension host must not hang CI. */
const SUITE_TIMEOUT_MS = Number(process.env.LOSSLENS_EDITOR_TIMEOUT_MS ?? 300_000);

/**
 * Runs the suite; resolves to the runner's result (see test/editor/index.ts) plus the launcher's
 * verdict. Never throws for a test failure; throws only when the editor could not run at all.
 * @param {{ resultFile?: string, log?: (line: string) => void }} [opts]
 */
export async function runInCodeServer(opts = {}) {
  const log = opts.log ?? ((line) => process.stdout.write(`${line}\n`));
  const runner = path.join(root, 'out', 'test', 'editor', 'index.js');
  if (!existsSync(runner)) throw new Error(`${path.relative(root, runner)} is missing: run \`node scripts/build.mjs --tests\` first`);
  const editor = ensureEditor({ needChromium: true });
  if (!editor?.chromium) throw new Error('the offline editor or Chromium is not available (see the [editor-install] messages above)');
  const { chromium } = await import('playwright-core');

  const resultFile = opts.resultFile ?? path.join(root, 'test-results', 'editor', 'result.json');
  mkdirSync(path.dirname(resultFile), { recursive: true });
  rmSync(resultFile, { force: true });
  const scratch = makeScratch();
  const workspace = copyWorkspace(path.join(root, 'test', 'editor', 'workspace'), scratch);
  let server;
  let browser;
  try {
    server = await startCodeServer({
      editor,
      scratch,
      workspace,
      smokeTestDriver: true,
      env: { LOSSLENS_EDITOR_RESULT: resultFile },
    });
    browser = await chromium.launchPersistentContext(path.join(scratch, 'chromium'), chromiumLaunchOptions(editor.chromium));
    const page = browser.pages()[0] ?? (await browser.newPage());
    const exitCode = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      log(util.format(...[].concat(args)).replace(/\s+$/, ''));
    });
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(root)],
      ['extensionTestsPath', server.remoteUri(runner)],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS);
    });
    const code = await Promise.race([exitCode, timeout]);
    clearTimeout(timer);
    const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : null;
    if (code === 'timeout') return { result, exitCode: null, error: `the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s` };
    if (!result) return { result, exitCode: code, error: `the extension host exited (code ${code}) without writing ${path.relative(root, resultFile)}; see the log above` };
    return { result, exitCode: code, error: null };
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (!process.env.LOSSLENS_KEEP_SCRATCH) removeScratch(scratch);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await finishLauncher('code-server', () => runInCodeServer());
}
