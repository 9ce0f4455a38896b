/**
 * The Runs view's filter, as TensorBoard's run filter: a regular expression (case-insensitive), or
 * a plain substring when it is not one (`runNameMatcher`, the same test `loss-lens diagnose --filter`
 * applies). The view shows the filter in its title; a context key shows "Clear Filter" while one is set.
 */
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../dispose';
import { runNameMatcher } from '../logs/discoverRuns';
import type { RunRecord } from '../store/runStore';

/** True while the Runs view is filtered (its title bar shows Clear Filter). */
export const RUNS_FILTERED_CONTEXT_KEY = 'lossLens.runsFiltered';

/** What the Runs view asks of a filter: whether a run is shown, and when that changes. */
export interface RunsViewFilter {
  matches(run: RunRecord): boolean;
  readonly onDidChange: (listener: () => void) => { dispose(): unknown };
}

export class RunsFilter extends Disposable implements RunsViewFilter {
  private readonly changeEmitter = this._register(new Emitter<void>());
  readonly onDidChange = (listener: () => void): { dispose(): unknown } => this.changeEmitter.event(listener);
  private test: (name: string) => boolean = () => true;
  private text = '';
  private view: vscode.TreeView<unknown> | undefined;

  get value(): string {
    return this.text;
  }

  /** Shows the filter in this view's title (beside its name). */
  attach(view: vscode.TreeView<unknown>): void {
    this.view = view;
    this.show();
  }

  /** Sets the filter; an empty one shows every run. */
  set(filter: string): void {
    this.text = filter.trim();
    this.test = runNameMatcher(this.text);
    this.show();
    void vscode.commands.executeCommand('setContext', RUNS_FILTERED_CONTEXT_KEY, this.text !== '');
    this.changeEmitter.fire();
  }

  matches(run: RunRecord): boolean {
    return this.test(run.name);
  }

  private show(): void {
    if (this.view) this.view.description = this.text ? `filter: ${this.text}` : undefined;
  }
}
