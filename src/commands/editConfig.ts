/**
 * Applies config edits (`{ path, value }`, the shape of a flag's fix) to a config file as a minimal
 * text edit that keeps its comments and formatting, then saves it. Shared by the flags' fixes and the
 * learning-rate suggestion.
 */
import * as vscode from 'vscode';
import type { ConfigEdit } from '../model';
import { fixReplacement } from '../editor/jsoncEdits';
import { toWorkspaceEdit } from '../editor/configCodeActions';

/** False (after telling the user) when the editor refused the edit. */
export async function editConfigFile(uri: vscode.Uri, edits: readonly ConfigEdit[]): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const replacement = fixReplacement(doc.getText(), edits);
  if (replacement && !(await vscode.workspace.applyEdit(toWorkspaceEdit(doc, replacement)))) {
    void vscode.window.showErrorMessage(`Loss Lens: could not edit ${vscode.workspace.asRelativePath(uri)}.`);
    return false;
  }
  await doc.save();
  return true;
}
