// Writing a config in a real VS Code: its JSON language service (the built-in json-language-features,
// fed by package.json `jsonValidation`) and Loss Lens's own diagnostics together. A typo must get ONE
// diagnostic, Loss Lens's, even though the JSON service does report such a typo when given the
// strict schema (the control file proves it is running and would); its quick fix must not offer a
// key the optimizer rejects; and completion must offer the keys of the optimizer type written.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LossLensApi } from '../../../src/extension';
import { api, EXTENSION_ID, waitFor, workspaceFile } from './editorKit';

/** The JSON service validates a little after a change; long enough for it to have spoken. */
const SETTLE_MS = 3_000;

async function open(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const describeAll = (uri: vscode.Uri): string => vscode.languages.getDiagnostics(uri).map((d) => `[${d.source}] ${d.message}`).join(' | ');

/** The property names completion offers at a position, once the JSON service has the schema (it offers `learningRate` everywhere in `optimizer`). */
async function offeredKeys(doc: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  return waitFor('schema completions', async () => {
    const list = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, position)) as vscode.CompletionList;
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label).replace(/^"|"$/g, ''));
    return labels.includes('learningRate') && labels;
  });
}

describe('writing a config: one diagnostic per mistake, suggestions and completion by optimizer', function () {
  this.timeout(120_000);
  let lossLens: LossLensApi;

  before(async () => {
    lossLens = await api();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a typo gets one diagnostic, Loss Lens\'s, with the "did you mean" quick fix', async () => {
    // Control: the JSON service, given the strict schema, does report an unknown key. A plain
    // .json file naming the strict schema with $schema shows it is running here and would.
    const strictSchema = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'src', 'config', 'losslens.schema.json');
    const control = await open('control-strict.json', `{\n  "$schema": ${JSON.stringify(vscode.Uri.file(strictSchema).toString())},\n  "data": { "source": "iris" },\n  "optimizer": { "type": "sgd", "momentm": 0.9 }\n}\n`);
    await waitFor('the JSON service to report the typo under the strict schema', () => vscode.languages.getDiagnostics(control.uri).some((d) => /momentm/.test(d.message) && d.source !== 'Loss Lens'));

    const text = '{\n  "data": { "source": "iris" },\n  "optimizer": { "type": "sgd", "momentm": 0.9 }\n}\n';
    const doc = await open('typo-momentum.losslens.json', text);
    await waitFor('Loss Lens to report the typo', () => vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === 'Loss Lens'));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const diagnostics = vscode.languages.getDiagnostics(doc.uri);
    assert.equal(diagnostics.length, 1, describeAll(doc.uri));
    assert.equal(diagnostics[0]!.source, 'Loss Lens');
    assert.equal(doc.getText(diagnostics[0]!.range), '"momentm"');
    assert.match(diagnostics[0]!.message, /did you mean "momentum"/);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diagnostics[0]!.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const fix = actions.find((a) => a.title === 'Change to "momentum"');
    assert.ok(fix?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitFor('no problem left after the fix', () => vscode.languages.getDiagnostics(doc.uri).length === 0 || undefined, 10_000).catch(() => assert.fail(describeAll(doc.uri)));
  });

  it('for adam the quick fix does not offer "momentum", which adam rejects; the message says why', async () => {
    const doc = await open('typo-adam.losslens.json', '{\n  "data": { "source": "iris" },\n  "optimizer": { "type": "adam", "momentm": 0.9 }\n}\n');
    const diagnostic = await waitFor('Loss Lens to report the typo', () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'Loss Lens'));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    assert.equal(vscode.languages.getDiagnostics(doc.uri).length, 1, describeAll(doc.uri));
    assert.match(diagnostic.message, /"momentum" is for "sgd" only; optimizer.type is "adam"/);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    assert.ok(!actions.some((a) => /momentum/.test(a.title)), actions.map((a) => a.title).join(' | '));
    assert.equal(lossLens.diagnostics.entriesFor(doc.uri).length, 1);
  });

  it("completion offers the keys of the optimizer type written: momentum for sgd, betas for adam, weightDecay for adamw", async () => {
    const body = (type: string): string => `{\n  "data": { "source": "iris" },\n  "optimizer": {\n    "type": "${type}",\n    \n  }\n}\n`;
    const doc = await open('completion.losslens.json', body('adam'));
    const at = new vscode.Position(4, 4);
    const adam = await offeredKeys(doc, at);
    assert.ok(adam.includes('beta1') && adam.includes('epsilon'), adam.join(', '));
    assert.ok(!adam.includes('momentum') && !adam.includes('weightDecay'), adam.join(', '));
    for (const [type, wanted, unwanted] of [['sgd', ['momentum'], ['beta1', 'beta2', 'epsilon', 'weightDecay']], ['adamw', ['beta1', 'weightDecay'], ['momentum']]] as const) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), body(type));
      assert.ok(await vscode.workspace.applyEdit(edit));
      const keys = await waitFor(`completions for ${type}`, async () => {
        const offered = await offeredKeys(doc, at);
        return wanted.every((k) => offered.includes(k)) && offered;
      });
      for (const key of unwanted) assert.ok(!keys.includes(key), `${type} offers ${key}: ${keys.join(', ')}`);
    }
  });
});
