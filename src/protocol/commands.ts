/**
 * The commands channel: every command id in one place (docs/extension.md for the public ones), for
 * the palette, menus, tree items and quick fixes. The palette titles are in package.json under the
 * category "Loss Lens"; the handlers are in commands/registerCommands.ts, keyed by these entries,
 * so an id without a handler does not compile.
 */
export const CommandIds = {
  /** Train the active `*.losslens.json`, a given one, or one picked (or a bundled example). */
  train: 'lossLens.train',
  stop: 'lossLens.stop',
  openDashboard: 'lossLens.openDashboard',
  newConfig: 'lossLens.newConfig',
  /** A run folder or another trainer's log. */
  openRun: 'lossLens.openRun',
  compareRuns: 'lossLens.compareRuns',
  exportRun: 'lossLens.exportRun',
  /** The learning-rate range test (Smith 2017) on a config, with its suggestion as a one-click edit. */
  findLearningRate: 'lossLens.findLearningRate',
  /** Follow a training log or a folder of runs while another process writes it. */
  follow: 'lossLens.follow',
  /** Stop following a run (the Runs view's inline action), or the followed paths picked. */
  stopFollowing: 'lossLens.stopFollowing',
  /** The Runs view lists only the runs whose name matches (a regex or a substring, as TensorBoard). */
  filterRuns: 'lossLens.filterRuns',
  clearRunsFilter: 'lossLens.clearRunsFilter',
  // Internal (hidden from the palette): sidebar and quick-fix plumbing.
  refreshRuns: 'lossLens.refreshRuns',
  createExample: 'lossLens.createExample',
  applyFix: 'lossLens.applyFix',
  openConfig: 'lossLens.openConfig',
  /** Trains a past run's config again (a run cut off by a reload, a stopped one): Runs view and dashboard title. */
  trainAgain: 'lossLens.trainAgain',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** The context key that is true while any run trains (menus show Stop). */
export const RUNNING_CONTEXT_KEY = 'lossLens.running';

/** True while the dashboard shows one run that has ended (its title bar shows Train Again). */
export const DASHBOARD_ENDED_CONTEXT_KEY = 'lossLens.dashboardRunEnded';
