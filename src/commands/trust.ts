/**
 * Restricted Mode (package.json `capabilities.untrustedWorkspaces: limited`): a config from an
 * untrusted folder can name any file on disk and starts a compute-heavy job, so training and
 * reading run folders or logs wait for trust; schema checks of the text still work.
 */
import * as vscode from 'vscode';

export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Loss Lens does not ${what} in Restricted Mode: trust this workspace first.`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
