/**
 * Applies config edits (`{ path, value }`, the shape of a flag's fix) to a config file as a minimal
 * text edit that keeps its comments and formatting, saves it, and shows it with the edit selected:
 * a fix pressed in the dashboard never rewrites a file out of sight. Shared by the flags' fixes and
 * the learning-rate suggestion.
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
  const edited = replacement ? new vscode.Range(doc.positionAt(replacement.offset), doc.positionAt(replacement.offset + replacement.content.length)) : undefined;
  await revealConfig(doc, edited);
  return true;
}

/**
 * Shows the config where it already is on screen, else in the column of the text editor on screen,
 * else beside the dashboard (never over it), without taking the focus; the edit is selected.
 */
async function revealConfig(doc: vscode.TextDocument, edited: vscode.Range | undefined): Promise<void> {
  const editors = vscode.window.visibleTextEditors;
  const column = (editors.find((e) => e.document.uri.toString() === doc.uri.toString()) ?? editors[0])?.viewColumn ?? vscode.ViewColumn.Beside;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: true, preview: false, ...(edited ? { selection: edited } : {}) });
  if (edited) editor.revealRange(edited, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
