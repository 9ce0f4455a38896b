// Starts the offline editor (code-server = VS Code for the browser) on loopback, clean and quiet,
// as the offline real-editor recipe (shared docs, real-editor-testing.md) describes, and stops it with
// its whole process group.
// Used by the editor-test launcher, the UI end-to-end tests and `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * User settings for a quiet, deterministic editor: no welcome page, telemetry, update checks,
 * gallery calls, trust prompts, AI chat or git scanning.
 */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'workbench.tips.enabled': false,
  // 1.139 opens an (empty, chat) secondary side bar by default.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** How long code-server may take to answer /healthz (it usually takes about half a second). */
const HEALTH_TIMEOUT_MS = 30_000;
/** After SIGTERM, how long the process group gets before SIGKILL. */
const STOP_GRACE_MS = 3_000;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Copies a folder to a fresh temporary one (so runs written during a test never touch the clone). */
export function copyWorkspace(src, scratch) {
  const dest = path.join(scratch, path.basename(src));
  cpSync(src, dest, { recursive: true, filter: (p) => !p.split(path.sep).includes('.losslens') });
  return dest;
}

/** The folder name VS Code expects for an installed extension: publisher.name-version. */
export function extensionFolderName(root) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase();
}

/**
 * Starts code-server in its own process group. Fresh user-data and extensions dirs are created
 * under `scratch`.
 * @param {{ editor: { node: string, entry: string }, scratch: string, workspace: string,
 *   installExtensionFrom?: string, installVsix?: string, smokeTestDriver?: boolean, env?: Record<string, string>,
 *   settings?: Record<string, unknown>, port?: number, logFile?: string }} opts
 */
export async function startCodeServer(opts) {
  const port = opts.port ?? (await freePort());
  const userData = path.join(opts.scratch, 'user-data');
  const extensions = path.join(opts.scratch, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  // Symlinking the built extension folder loads it as if installed; only picked up in a fresh
  // extensions dir (one without extensions.json).
  if (opts.installExtensionFrom) symlinkSync(opts.installExtensionFrom, path.join(extensions, extensionFolderName(opts.installExtensionFrom)), 'dir');
  // Or install a packaged .vsix, exactly as a user would.
  if (opts.installVsix) {
    const r = spawnSync(opts.editor.node, [opts.editor.entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', opts.installVsix], {
      encoding: 'utf8',
      env: { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: path.join(opts.scratch, 'config'), XDG_DATA_HOME: path.join(opts.scratch, 'data') },
    });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${opts.installVsix} failed:\n${r.stdout}${r.stderr}`);
  }
  const configFile = path.join(opts.scratch, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\n');
  const args = [
    opts.editor.entry,
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
    ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    opts.workspace,
  ];
  const logFile = opts.logFile ?? path.join(opts.scratch, 'code-server.log');
  const out = openSync(logFile, 'a');
  // detached = setsid: the server and every process it starts (extension host, workers) share one
  // process group that we can stop as a whole, and only ours.
  const child = spawn(opts.editor.node, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...opts.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: path.join(opts.scratch, 'config'), XDG_DATA_HOME: path.join(opts.scratch, 'data') },
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const server = {
    url,
    port,
    pid: child.pid,
    logFile,
    userData,
    extensions,
    /** `vscode-remote://` URI of a server-side path, as the web client's payload expects. */
    remoteUri: (p) => `vscode-remote://127.0.0.1:${port}${p}`,
    stop: () => stopGroup(child, () => exited),
  };
  registerForCleanup(server);
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await server.stop();
      throw new Error(`code-server exited during startup; see ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer ${url}/healthz within ${HEALTH_TIMEOUT_MS / 1000} s; see ${logFile}`);
    }
    await sleep(200);
  }
  return server;
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, SIGKILL to whatever is left after a grace period. */
async function stopGroup(child, hasExited) {
  const pgid = child.pid;
  if (!pgid) return;
  unregister(pgid);
  if (!hasExited() || groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
    if (groupAlive(pgid)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

// Whatever happens to the launcher (an exception, Ctrl-C, a CI timeout's SIGTERM), the server's
// process group goes with it.
const live = new Map();
let hooked = false;
function registerForCleanup(server) {
  live.set(server.pid, server);
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const pgid of live.keys()) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    live.clear();
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}
function unregister(pgid) {
  live.delete(pgid);
}

/** A scratch folder for one run: user data, extensions dir, workspace copy, logs. */
export function makeScratch(prefix = 'loss-lens-editor-') {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeScratch(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export { chromiumLaunchOptions } from './chromium.mjs';
