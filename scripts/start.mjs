#!/usr/bin/env node
// `npm start`: builds the extension and opens it in a real editor on the examples workspace, with
// bundled examples ready to train ("Loss Lens: Train" on examples/iris.losslens.json).
//   - desktop VS Code when `code` is on the PATH (extension loaded with --extensionDevelopmentPath);
//   - otherwise the offline browser editor (code-server, installed and cached on first use) on
//     127.0.0.1, with the URL printed.
// Keeps running until Ctrl-C, then stops the editor it started.
//   LOSSLENS_START_EDITOR=code-server   use the browser editor even when `code` exists
//   LOSSLENS_PORT=8123                  the port for the browser editor (default: 8123, or a free one)
//   LOSSLENS_START_WORKSPACE=DIR        open DIR instead of examples/;  LOSSLENS_START_NO_BUILD=1  skip the build
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, makeScratch, removeScratch, startCodeServer } from './editor/codeServer.mjs';
import { ensurePrerequisites } from './editor/install.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// LOSSLENS_START_WORKSPACE: open another folder instead (the tests use a scratch copy of examples/).
const examples = path.resolve(process.env.LOSSLENS_START_WORKSPACE ?? path.join(root, 'examples'));
const DEFAULT_PORT = 8123;

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

if (!process.env.LOSSLENS_START_NO_BUILD) {
  console.log('Building Loss Lens ...');
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--no-tests'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!existsSync(path.join(root, 'out', 'extension.js'))) {
  console.error('The build produced no out/extension.js; nothing to open.');
  process.exit(1);
}
if (!existsSync(examples)) {
  console.error(`No examples folder at ${examples}.`);
  process.exit(1);
}

const useDesktop = onPath('code') && process.env.LOSSLENS_START_EDITOR !== 'code-server';
if (useDesktop) {
  console.log(`Opening desktop VS Code on ${examples} with Loss Lens loaded from ${root}`);
  console.log('Open examples/iris.losslens.json and run "Loss Lens: Train" (F1). Close the window or press Ctrl-C to stop.');
  // --wait keeps this process tied to the window, so Ctrl-C here and closing the window both end it.
  const child = spawn('code', ['--new-window', '--wait', `--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  process.on('SIGINT', () => child.kill('SIGTERM'));
} else {
  // The browser editor needs no Chromium here (the user opens the URL in their own browser), but
  // code-server itself: installed once, or a clear reason and exit, never a wait.
  const { editor, problems } = ensurePrerequisites([['editor']]);
  if (!editor) {
    console.error(`npm start: ${problems.editor ?? 'the offline editor is not available'}.`);
    console.error('Alternatively, install desktop VS Code and put `code` on the PATH.');
    process.exit(1);
  }
  const wanted = Number(process.env.LOSSLENS_PORT ?? DEFAULT_PORT);
  const port = (await portFree(wanted)) ? wanted : await freePort();
  const scratch = makeScratch('loss-lens-start-');
  let server;
  try {
    // The built extension folder, symlinked into a fresh extensions dir, loads as an installed extension.
    server = await startCodeServer({ editor, scratch, workspace: examples, installExtensionFrom: root, port });
  } catch (err) {
    removeScratch(scratch);
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  const url = `${server.url}/?folder=${encodeURI(examples)}`;
  console.log('');
  console.log(`Loss Lens is running in VS Code for the browser (code-server, listening on 127.0.0.1 only):`);
  console.log(`  ${url}`);
  console.log('');
  console.log('Open that URL in a browser on this machine, open iris.losslens.json and run "Loss Lens: Train" (F1),');
  console.log('or pick an example from the Loss Lens view in the activity bar. Press Ctrl-C here to stop.');
  console.log(`(editor log: ${server.logFile})`);
  const stop = async () => {
    await server.stop();
    removeScratch(scratch);
    process.exit(0);
  };
  // Replace the default cleanup-and-exit handlers with one that also removes the scratch folder.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
