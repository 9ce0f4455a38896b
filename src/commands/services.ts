/** What the command handlers work with: the pieces `activate` wires together. */
import type * as vscode from 'vscode';
import type { RunStore } from '../store/runStore';
import type { RunController } from '../store/runController';
import type { Dashboards } from '../views/dashboards';
import type { ConfigDiagnostics } from '../editor/configDiagnostics';
import type { RunsTree } from '../views/runsTree';
import type { ConfigsTree } from '../views/configsTree';
import type { FollowController } from '../store/followController';
import type { RunsFilter } from '../views/runsFilter';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly store: RunStore;
  readonly controller: RunController;
  /** The open dashboards: one per config, run or comparison. */
  readonly dashboards: Dashboards;
  readonly diagnostics: ConfigDiagnostics;
  readonly runsTree: RunsTree;
  readonly configsTree: ConfigsTree;
  /** Other trainers' logs and run folders followed while they are written. */
  readonly follows: FollowController;
  readonly runsFilter: RunsFilter;
  /** Reads the runs folders of the workspace again. */
  reloadRuns(): Promise<void>;
}
