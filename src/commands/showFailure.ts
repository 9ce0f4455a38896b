/** How a failure reaches the user in the editor: worded as the CLI words it, with a way to the config. */
import * as vscode from 'vscode';
import { keyRangeOf, toJsonPath } from '../editor/jsoncEdits';
import type { Failure } from '../model';
import { log } from '../views/log';

/** A failed run or a bad input, as the CLI would word it; bad input offers to open the config at the key. */
export function showFailure(failure: Failure, configUri: vscode.Uri, prefix?: string): void {
  log()?.error(`${prefix ?? 'failed'}: ${failure.message}`);
  void vscode.window.showErrorMessage(`Loss Lens: ${prefix ? `${prefix}: ` : ''}${failure.message}`, ...(failure.badInput ? ['Open Config'] : [])).then((choice) => {
    if (choice) void openConfigAt(configUri, failure.key);
  });
}

/** Opens the config with the cursor on `key` (a dotted path) when it is in the file. */
async function openConfigAt(uri: vscode.Uri, key: string | undefined): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  if (!key) return;
  const range = keyRangeOf(editor.document.getText(), toJsonPath(key));
  const start = editor.document.positionAt(range.offset);
  editor.selection = new vscode.Selection(start, editor.document.positionAt(range.offset + range.length));
  editor.revealRange(new vscode.Range(start, start));
}

