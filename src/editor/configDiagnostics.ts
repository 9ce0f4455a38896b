/**
 * The Problems panel for `*.losslens.json`: the validator's problems on their exact ranges, live as
 * the user types (debounced), and after a run its flags on the key they are about. Keeps, per
 * document, what each diagnostic came from, so the code actions can offer the matching fix.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { CONFIG_FILE_SUFFIX } from '../config/defaults';
import { validateConfigText } from '../config/validate';
import type { ConfigProblem } from '../config/problems';
import { type Flag, flagHeadline } from '../model';
import { flagAnchor } from './flagKeys';
import { fixApplied } from './jsoncEdits';

export const DIAGNOSTIC_SOURCE = 'Loss Lens';
const DEFAULT_DELAY_MS = 250;

export const isConfigDocument = (doc: vscode.TextDocument): boolean => doc.uri.scheme === 'file' && doc.fileName.endsWith(CONFIG_FILE_SUFFIX);

/** What a diagnostic came from. */
export type DiagnosticOrigin =
  | { readonly kind: 'problem'; readonly problem: ConfigProblem }
  | { readonly kind: 'flag'; readonly flag: Flag; readonly runId: string; readonly flagIndex: number; readonly key: string };

export interface OriginatedDiagnostic {
  readonly diagnostic: vscode.Diagnostic;
  readonly origin: DiagnosticOrigin;
}

const SEVERITY: Readonly<Record<'error' | 'warning' | 'info', vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class ConfigDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('lossLens'));
  private readonly entries = new Map<string, OriginatedDiagnostic[]>();
  /**
   * Flags of the latest run of each config, by config URI, each with its index in the run's flag
   * list (what `lossLens.applyFix` looks up, so it must survive flags being dropped here).
   */
  private readonly flagsByConfig = new Map<string, { runId: string; flags: readonly { flag: Flag; index: number }[] }>();
  /** Runs whose flags were put on their config once in this session (a past run's are restored only once). */
  private readonly placedRuns = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  static register(context: vscode.ExtensionContext): ConfigDiagnostics {
    const diagnostics = new ConfigDiagnostics();
    context.subscriptions.push(diagnostics);
    return diagnostics;
  }

  private constructor() {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.refresh(doc)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => this.forgetProblems(doc)));
    this._register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    for (const doc of vscode.workspace.textDocuments) this.refresh(doc);
  }

  /** The diagnostics of a document with their origin (for code actions). */
  entriesFor(uri: vscode.Uri): readonly OriginatedDiagnostic[] {
    return this.entries.get(uri.toString()) ?? [];
  }

  /** Shows a run's flags on its config (replacing the previous run's), and refreshes. */
  setRunFlags(configUri: vscode.Uri, runId: string, flags: readonly Flag[]): void {
    this.placedRuns.add(runId);
    this.flagsByConfig.set(configUri.toString(), { runId, flags: flags.map((flag, index) => ({ flag, index })) });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === configUri.toString());
    if (doc) this.refresh(doc);
  }

  /** Whether this run's flags were put on its config in this session (even if dropped since). */
  hasPlaced(runId: string): boolean {
    return this.placedRuns.has(runId);
  }

  /** Drops one flag (its fix was applied) or all flags of a config. */
  clearRunFlags(configUri: vscode.Uri, predicate: (flag: Flag) => boolean = () => true): void {
    const key = configUri.toString();
    const current = this.flagsByConfig.get(key);
    if (!current) return;
    const flags = current.flags.filter((f) => !predicate(f.flag));
    if (flags.length) this.flagsByConfig.set(key, { runId: current.runId, flags });
    else this.flagsByConfig.delete(key);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (doc) this.refresh(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isConfigDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    const delay = vscode.workspace.getConfiguration('lossLens', doc.uri).get<number>('validation.delayMs', DEFAULT_DELAY_MS);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.refresh(doc);
      }, delay),
    );
  }

  /** Validates now (also used by tests and by the train command before it starts a run). */
  refresh(doc: vscode.TextDocument): readonly OriginatedDiagnostic[] {
    if (!isConfigDocument(doc) || doc.isClosed) return [];
    const text = doc.getText();
    const list: OriginatedDiagnostic[] = [];
    for (const problem of validateConfigText(text, doc.fileName).problems) {
      const range = new vscode.Range(doc.positionAt(problem.offset), doc.positionAt(problem.offset + problem.length));
      const diagnostic = new vscode.Diagnostic(range, problem.message, SEVERITY[problem.severity]);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      if (problem.suggestion !== undefined) diagnostic.code = 'suggestion';
      list.push({ diagnostic, origin: { kind: 'problem', problem } });
    }
    const runFlags = this.flagsByConfig.get(doc.uri.toString());
    runFlags?.flags.forEach(({ flag, index: flagIndex }) => {
      // A fix already in the text (applied before a reload, or typed by hand) answers its flag.
      if (flag.fix?.some((f) => fixApplied(text, f.edits))) return;
      const anchor = flagAnchor(text, flag);
      const range = new vscode.Range(doc.positionAt(anchor.offset), doc.positionAt(anchor.offset + anchor.length));
      // One line in the list, as the dashboard and the sidebar word it; the detector's full message
      // is the entry's related information (expand the entry, or hover the key).
      const diagnostic = new vscode.Diagnostic(range, `${flagHeadline(flag)} (epoch ${flag.epoch})`, SEVERITY[flag.severity]);
      diagnostic.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, range), flag.message)];
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = flag.kind;
      list.push({ diagnostic, origin: { kind: 'flag', flag, runId: runFlags.runId, flagIndex, key: anchor.key } });
    });
    this.entries.set(doc.uri.toString(), list);
    this.collection.set(
      doc.uri,
      list.map((e) => e.diagnostic),
    );
    return list;
  }

  private forgetProblems(doc: vscode.TextDocument): void {
    if (!isConfigDocument(doc)) return;
    // A closed config keeps no syntax problems (they may be stale), but its run's flags stay until
    // the next run or fix, so they are still in the Problems panel; they are placed on reopening.
    const key = doc.uri.toString();
    const flagsOnly = (this.entries.get(key) ?? []).filter((e) => e.origin.kind === 'flag');
    this.entries.set(key, flagsOnly);
    this.collection.set(
      doc.uri,
      flagsOnly.map((e) => e.diagnostic),
    );
  }
}
