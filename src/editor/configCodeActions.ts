/**
 * Quick fixes on `*.losslens.json`: the validator's suggestion (unknown key, misspelt enum value,
 * a key that belongs elsewhere), and for a run's flag each detector fix, alone or "and train again"
 * (so the new run can be compared with the old one). Edits go through jsonc-parser, so the user's
 * comments and layout survive.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { CommandIds } from '../protocol/commands';
import { fixReplacement, suggestionReplacement, type TextReplacement } from './jsoncEdits';
import { CONFIG_FILE_SUFFIX } from '../config/defaults';
import type { ConfigDiagnostics } from './configDiagnostics';

/** Arguments of the internal `lossLens.applyFix` command (from a code action or the dashboard). */
export interface ApplyFixArgs {
  readonly configUri: string;
  readonly runId: string;
  readonly flagIndex: number;
  readonly fixIndex: number;
  readonly retrain: boolean;
  /** True when the code action's own edit already changed the text (the command then only follows up). */
  readonly alreadyApplied: boolean;
}

export function toWorkspaceEdit(doc: vscode.TextDocument, replacement: TextReplacement): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const range = new vscode.Range(doc.positionAt(replacement.offset), doc.positionAt(replacement.offset + replacement.length));
  edit.replace(doc.uri, range, replacement.content);
  return edit;
}

export class ConfigCodeActions extends Disposable implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  static register(context: vscode.ExtensionContext, diagnostics: ConfigDiagnostics): ConfigCodeActions {
    const provider = new ConfigCodeActions(diagnostics);
    provider._register(
      vscode.languages.registerCodeActionsProvider([{ scheme: 'file', pattern: `**/*${CONFIG_FILE_SUFFIX}` }], provider, {
        providedCodeActionKinds: ConfigCodeActions.providedCodeActionKinds,
      }),
    );
    context.subscriptions.push(provider);
    return provider;
  }

  private constructor(private readonly diagnostics: ConfigDiagnostics) {
    super();
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const text = doc.getText();
    const actions: vscode.CodeAction[] = [];
    for (const { diagnostic, origin } of this.diagnostics.entriesFor(doc.uri)) {
      if (!diagnostic.range.intersection(range) && !diagnostic.range.contains(range)) continue;
      if (origin.kind === 'problem') {
        const { problem } = origin;
        if (problem.suggestion === undefined) continue;
        const replacement = suggestionReplacement(text, { ...problem, suggestion: problem.suggestion });
        if (!replacement) continue;
        const action = new vscode.CodeAction(`Change to "${problem.suggestion}"`, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(doc, replacement);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        actions.push(action);
        continue;
      }
      (origin.flag.fix ?? []).forEach((fix, fixIndex) => {
        const replacement = fixReplacement(text, fix.edits);
        if (!replacement) return;
        for (const retrain of [false, true]) {
          const action = new vscode.CodeAction(retrain ? `${fix.title}, and train again` : fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = toWorkspaceEdit(doc, replacement);
          action.diagnostics = [diagnostic];
          action.isPreferred = fixIndex === 0 && !retrain;
          const args: ApplyFixArgs = { configUri: doc.uri.toString(), runId: origin.runId, flagIndex: origin.flagIndex, fixIndex, retrain, alreadyApplied: true };
          action.command = { command: CommandIds.applyFix, title: action.title, arguments: [args] };
          actions.push(action);
        }
      });
    }
    return actions;
  }
}
