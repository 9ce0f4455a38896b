// First contact with the real editor: the extension is found, activates without error, and every
// command id of docs/extension.md is registered with a "Loss Lens" palette title.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './editorKit';

/** publisher.name from package.json. */
/** The public command ids (docs/extension.md). */
const CONTRACT_COMMANDS = [
  'lossLens.train',
  'lossLens.stop',
  'lossLens.openDashboard',
  'lossLens.newConfig',
  'lossLens.openRun',
  'lossLens.compareRuns',
  'lossLens.exportRun',
  'lossLens.follow',
] as const;

interface ManifestCommand {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

describe('smoke: the extension in a real editor', () => {
  it('activates without error', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command id of the contract', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = CONTRACT_COMMANDS.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  it('contributes each contract command with a "Loss Lens:" palette title', () => {
    const commands = (extension().packageJSON as { contributes?: { commands?: ManifestCommand[] } }).contributes?.commands ?? [];
    for (const id of CONTRACT_COMMANDS) {
      const cmd = commands.find((c) => c.command === id);
      assert.ok(cmd, `${id} is not in contributes.commands`);
      const paletteTitle = cmd.category ? `${cmd.category}: ${cmd.title}` : cmd.title;
      assert.match(paletteTitle, /^Loss Lens: /, `${id} has palette title "${paletteTitle}"`);
    }
  });

  it('opens the test workspace, which holds a *.losslens.json', async () => {
    const configs = await vscode.workspace.findFiles('**/*.losslens.json', '**/node_modules/**');
    assert.ok(configs.length > 0, 'no *.losslens.json in the test workspace');
  });
});
