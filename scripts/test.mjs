// The test command: installs what the requested layers need (first of all), builds, then runs
// each layer and reports how many tests ran in each. A prerequisite that cannot be
// installed ends the command at once, naming it. A layer that ran nothing counts as a failure,
// never as a pass; so does a layer that stops making progress (scripts/test/watchdog.mjs ends it and names
// the test it was in). The other layers still run, and the last line is always `N passed, N failed`.
// Usage: node scripts/test.mjs [typecheck|lint|unit|webview|editor|e2e ...]   (default: all layers)
//   LOSSLENS_TEST_FILTER=engine      only test files whose path contains "engine" (unit, webview, e2e)
//   LOSSLENS_EDITOR_LAUNCHER=code-server|electron   force the editor layer's launcher (default: auto)
//   LOSSLENS_E2E_VSIX=loss-lens.vsix  run the e2e layer on the packaged extension (installed from the .vsix)
//   LOSSLENS_TEST_STALL_SECONDS=300   the watchdog's limit: a layer silent this long is ended
//   LOSSLENS_TEST_NO_BUILD=1          skip the build
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrerequisites } from './editor/install.mjs';
import { PROGRESS_REPORTER_ARGS, runWatched } from './test/watchdog.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL_LAYERS = ['typecheck', 'lint', 'unit', 'webview', 'editor', 'e2e'];
/** What each layer needs installed before it runs: Debian's Chromium, the offline editor (code-server). */
const NEEDS = { typecheck: [], lint: [], unit: [], webview: ['chromium'], editor: ['chromium', 'editor'], e2e: ['chromium', 'editor'] };
const requested = process.argv.slice(2);
const layers = requested.length ? requested : ALL_LAYERS;
const filter = process.env.LOSSLENS_TEST_FILTER;

function walk(dir, match) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p, match) : match.test(name) ? [p] : [];
  });
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/** The environment of a layer: ours, less node:test's marker (set when this command runs inside a test). */
function layerEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

// No --test-force-exit: with it node's runner drops the verdicts of a file's last tests and still
// exits 0 (nodejs/node#64833; a CI run here reported 776 of 795 unit tests, all "passing"). A file
// that leaves a handle open hangs instead, and the watchdog ends it as a failure naming the test.

/** Runs test files with node's built-in runner and reads its summary ("ℹ tests N", "ℹ pass N", ...). */
async function nodeTestFiles(files, extraArgs = []) {
  const args = ['--test', '--test-reporter', 'spec', '--test-reporter-destination', 'stdout', ...PROGRESS_REPORTER_ARGS, ...extraArgs, ...files];
  const r = await runWatched(process.execPath, args, { cwd: root, env: layerEnv() });
  const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)`, 'm').exec(r.stdout)?.[1] ?? 0);
  // Killed by the watchdog, the runner printed no summary: count what its events said.
  const passed = r.stalled ? r.tests.passed : count('pass');
  let failed = r.stalled ? r.tests.failed : count('fail') + count('cancelled');
  const notes = [];
  if (count('skipped') + count('todo')) notes.push(`${count('skipped')} skipped, ${count('todo')} todo`);
  if (r.stalled) {
    failed += 1;
    notes.push(r.stalled);
  } else if (r.status !== 0 && failed === 0) {
    // A crash that the runner did not count (e.g. a file that failed to load) is still a failure.
    failed = 1;
    notes.push(r.error ?? `node --test exited with ${r.status}`);
  }
  return { passed, failed, detail: notes.join('; ') };
}

// Each layer returns { passed, failed, detail? }; `passed` is the number of tests (or checks) that ran and passed.
const LAYERS = {
  /** tsc for both tsconfigs (the host + tests, and the webview with the DOM lib). One check per project. */
  async typecheck() {
    let passed = 0;
    let failed = 0;
    const errors = [];
    // The two projects are independent: check them side by side (tsc is single-threaded).
    const projects = ['tsconfig.json', 'webview/tsconfig.json'];
    const results = await Promise.all(projects.map((project) => runWatched(bin('tsc'), ['-p', project, '--noEmit', '--pretty', 'false'], { cwd: root, env: layerEnv(), quiet: true })));
    results.forEach((r, i) => {
      const lines = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
      if (r.status === 0) passed += 1;
      else {
        failed += 1;
        errors.push(...lines);
        if (!lines.length) errors.push(`tsc -p ${projects[i]}: ${r.stalled ?? r.error ?? `failed (exit ${r.status})`}`);
      }
    });
    for (const e of errors.slice(0, 50)) console.log(`  ${e}`);
    if (errors.length > 50) console.log(`  ... and ${errors.length - 50} more`);
    return { passed, failed, detail: `2 projects, ${errors.length} type errors`, unit: 'projects' };
  },

  /** eslint (flat config): one check, failed by any error; then one check per never-rule fixture (test/fixtures/lint). */
  async lint() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loss-lens-lint-'));
    const report = path.join(dir, 'eslint.json');
    const r = await runWatched(bin('eslint'), ['.', '--format', 'json', '--output-file', report], { cwd: root, env: layerEnv(), quiet: true });
    let results = [];
    try {
      results = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      process.stdout.write(r.stdout);
      return { passed: 0, failed: 1, detail: `eslint did not run (${r.stalled ?? r.error ?? `exit ${r.status}`})` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    let errors = 0;
    let warnings = 0;
    for (const file of results) {
      for (const m of file.messages) {
        if (m.severity === 2) errors += 1;
        else warnings += 1;
        console.log(`  ${path.relative(root, file.filePath)}:${m.line ?? 0}:${m.column ?? 0} ${m.severity === 2 ? 'error' : 'warning'} ${m.message} (${m.ruleId ?? 'parse'})`);
      }
    }
    const lintOk = !errors && r.status === 0;
    const { checkLintFixtures } = await import('./lint/checkFixtures.mjs');
    const fixtures = await checkLintFixtures(root);
    for (const f of fixtures) console.log(`  ${f.ok ? 'ok' : 'FAILED'} never-rule fixture ${f.file}: ${f.detail}`);
    const broken = fixtures.filter((f) => !f.ok).length;
    const detail = `${results.length} files, ${errors} errors, ${warnings} warnings; ${fixtures.length - broken}/${fixtures.length} never-rule fixtures reported`;
    return { passed: (lintOk ? 1 : 0) + fixtures.length - broken, failed: (lintOk ? 0 : 1) + broken, detail, unit: 'checks' };
  },

  unit: () => bundledNodeTests('unit'),
  webview: () => bundledNodeTests('webview'),

  /** The mocha integration suite inside a real VS Code: desktop (test-electron) or code-server. */
  async editor() {
    const { electronAvailability } = await import('../test/editor/launch-electron.mjs');
    const forced = process.env.LOSSLENS_EDITOR_LAUNCHER;
    let launcher = forced;
    if (!launcher) {
      const electron = await electronAvailability();
      launcher = electron.ok ? 'electron' : 'code-server';
      console.log(`  editor launcher: ${launcher === 'electron' ? 'desktop VS Code (@vscode/test-electron)' : 'code-server (VS Code for the browser, offline)'}${electron.ok ? '' : ` — desktop VS Code unavailable: ${electron.reason}`}`);
    } else {
      console.log(`  editor launcher: ${launcher} (LOSSLENS_EDITOR_LAUNCHER)`);
    }
    if (launcher !== 'electron' && launcher !== 'code-server') return { passed: 0, failed: 1, detail: `unknown launcher "${launcher}"` };
    let outcome = await runEditorLauncher(launcher);
    // Desktop VS Code could not start at all (not a test failure): use the offline editor instead.
    if (launcher === 'electron' && !outcome.result && !outcome.stalled && !forced) {
      console.log(`  ${outcome.error}; falling back to code-server`);
      launcher = 'code-server';
      outcome = await runEditorLauncher(launcher);
    }
    const { result, exitCode, error } = outcome;
    const name = launcher === 'electron' ? 'desktop VS Code' : 'code-server';
    if (!result) return { passed: 0, failed: 1, detail: `${name}: ${error ?? 'no result'}` };
    let failed = result.failed;
    const notes = [`${name}, VS Code ${result.vscodeVersion}`];
    if (error) notes.push(error);
    if (exitCode !== 0 && failed === 0) {
      failed = 1;
      notes.push(`extension host exit code ${exitCode}`);
    }
    for (const f of result.failures ?? []) console.log(`  FAILED ${f.title}\n    ${f.error.split('\n').join('\n    ')}`);
    return { passed: result.passed, failed, detail: notes.join('; ') };
  },

  /** UI end-to-end tests: a user in code-server, driven by Playwright (test/e2e/*.test.mjs). */
  e2e() {
    const files = walk(path.join(root, 'test', 'e2e'), /\.test\.mjs$/).filter((f) => !filter || f.includes(filter)).sort();
    if (!files.length) return { passed: 0, failed: 1, detail: 'no test files' };
    // Screenshots of this run only.
    rmSync(path.join(root, 'test-results', 'e2e'), { recursive: true, force: true });
    // One editor at a time: each file starts its own code-server and Chromium (about 2 GB).
    return nodeTestFiles(files, ['--test-concurrency=1']);
  },
};

function bundledNodeTests(layer) {
  const files = walk(path.join(root, 'out', 'test', layer), /\.test\.js$/).filter((f) => !filter || f.includes(filter)).sort();
  if (!files.length) return { passed: 0, failed: 1, detail: 'no test files' };
  return nodeTestFiles(files);
}

/**
 * Runs one editor launcher (test/editor/launch-*.mjs) as a child under the watchdog; it writes
 * its outcome ({ result, exitCode, error }) to the file named by LOSSLENS_EDITOR_OUTCOME.
 */
async function runEditorLauncher(launcher) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loss-lens-editor-outcome-'));
  const file = path.join(dir, 'outcome.json');
  try {
    const r = await runWatched(process.execPath, [path.join(root, 'test', 'editor', `launch-${launcher}.mjs`)], { cwd: root, env: layerEnv({ LOSSLENS_EDITOR_OUTCOME: file }), indent: '    ' });
    if (r.stalled) return { result: null, exitCode: null, error: r.stalled, stalled: true };
    if (!existsSync(file)) return { result: null, exitCode: r.status, error: r.error ?? `the ${launcher} launcher exited (${r.status}) without an outcome` };
    return JSON.parse(readFileSync(file, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const started = Date.now();

// Everything the requested layers need is installed first, before the build and before any layer,
// so that a machine without it learns what is missing within seconds, not after the layers that
// need nothing have run for minutes. A prerequisite that cannot be installed ends the command.
const groups = layers.filter((l) => LAYERS[l]).map((l) => NEEDS[l]).filter((g) => g.length);
/** @type {{ chromium?: string, editor?: string }} */
let problems = {};
if (groups.length) {
  console.log('== prerequisites ==');
  const ready = ensurePrerequisites(groups);
  problems = ready.problems;
  for (const need of new Set(groups.flat())) {
    const where = need === 'chromium' ? ready.chromium : ready.editor?.dir;
    console.log(`  ${need}: ${problems[need] ? `MISSING: ${problems[need]}` : `ready (${where})`}`);
  }
  const missing = Object.entries(problems);
  if (missing.length) {
    const blocked = layers.filter((l) => NEEDS[l]?.some((need) => problems[need]));
    const free = layers.filter((l) => LAYERS[l] && !NEEDS[l].length);
    console.log(`\nsetup failed after ${((Date.now() - started) / 1000).toFixed(0)} s; nothing was built or run:`);
    for (const layer of blocked) console.log(`  ${layer}: setup failed: ${problems[NEEDS[layer].find((need) => problems[need])]}`);
    if (free.length) console.log(`the layers that need nothing run with: node scripts/test.mjs ${free.join(' ')}`);
    console.log(`0 passed, ${blocked.length} failed`);
    process.exit(1);
  }
}

// LOSSLENS_TEST_NO_BUILD=1 skips the build (CI's second pass on the packaged .vsix needs none).
const build = process.env.LOSSLENS_TEST_NO_BUILD ? { status: 0 } : (console.log('build: node scripts/build.mjs --tests'), spawnSync(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: root, stdio: 'inherit' }));
if (build.status !== 0) {
  console.log('\nbuild failed: no layer ran');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const totals = { passed: 0, failed: 0 };
const summary = [];
for (const layer of layers) {
  const fn = LAYERS[layer];
  if (!fn) {
    summary.push(`${layer}: unknown layer (known: ${ALL_LAYERS.join(', ')})`);
    totals.failed += 1;
    continue;
  }
  console.log(`\n== ${layer} ==`);
  const t0 = Date.now();
  let r;
  const missing = NEEDS[layer].find((need) => problems[need]);
  if (missing) {
    // Ends at once: its tests would only wait on what is not there.
    console.log(`  ${layer}: setup failed: ${problems[missing]}`);
    r = { passed: 0, failed: 1, detail: `setup failed: ${problems[missing]}`, didNotRun: true };
  } else {
    try {
      r = await fn();
    } catch (err) {
      r = { passed: 0, failed: 1, detail: `crashed: ${err instanceof Error ? err.stack : err}` };
    }
  }
  // A layer that ran nothing proves nothing: count it as a failure.
  if (r.passed + r.failed === 0) r = { ...r, failed: 1, detail: `ran nothing${r.detail ? ` (${r.detail})` : ''}` };
  totals.passed += r.passed;
  totals.failed += r.failed;
  const what = r.unit ?? 'tests';
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const ran = r.didNotRun ? 'did not run' : `${r.passed + r.failed} ${what} ran`;
  summary.push(`${layer}: ${ran}, ${r.passed} passed, ${r.failed} failed${r.detail ? ` (${r.detail})` : ''} [${secs} s]`);
}
console.log(`\nTest layers (${((Date.now() - started) / 1000).toFixed(0)} s):`);
for (const line of summary) console.log(`  ${line}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
