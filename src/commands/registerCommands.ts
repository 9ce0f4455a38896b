/**
 * Registers every command of `CommandIds` with its handler. The record is typed by the ids, so a
 * command declared without a handler (or a handler for an unknown id) does not compile.
 */
import * as vscode from 'vscode';
import { CommandIds, type CommandId } from '../protocol/commands';
import type { Services } from './services';
import { trainCommand } from './train';
import { stopCommand } from './stop';
import { openDashboardCommand } from './openDashboard';
import { createExampleConfig, newConfigCommand } from './newConfig';
import { openRunCommand } from './openRun';
import { compareRunsCommand } from './compareRuns';
import { exportRunCommand } from './exportRun';
import { applyFixCommand } from './applyFix';
import { openConfigCommand } from './runConfig';
import { findLearningRateCommand } from './findLearningRate';
import { trainAgainCommand } from './trainAgain';
import { followCommand, stopFollowingCommand } from './follow';
import { filterRunsCommand } from './filterRuns';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- VS Code passes command arguments untyped; each handler narrows its own.
type Handler = (...args: any[]) => unknown;

export function commandHandlers(s: Services): Readonly<Record<CommandId, Handler>> {
  return {
    [CommandIds.train]: (arg?: unknown, options?: Parameters<typeof trainCommand>[2]) => trainCommand(s, arg, options),
    [CommandIds.stop]: (...args: unknown[]) => stopCommand(s, ...args),
    [CommandIds.openDashboard]: (...args: unknown[]) => openDashboardCommand(s, ...args),
    [CommandIds.newConfig]: (args?: Parameters<typeof newConfigCommand>[0]) => newConfigCommand(args),
    [CommandIds.openRun]: (arg?: unknown) => openRunCommand(s, arg),
    [CommandIds.compareRuns]: (...args: unknown[]) => compareRunsCommand(s, ...args),
    [CommandIds.exportRun]: (arg?: unknown, options?: Parameters<typeof exportRunCommand>[2]) => exportRunCommand(s, arg, options),
    [CommandIds.findLearningRate]: (arg?: unknown, options?: Parameters<typeof findLearningRateCommand>[2]) => findLearningRateCommand(s, arg, options),
    [CommandIds.follow]: (arg?: unknown) => followCommand(s, arg),
    [CommandIds.stopFollowing]: (...args: unknown[]) => stopFollowingCommand(s, ...args),
    [CommandIds.filterRuns]: (arg?: unknown) => filterRunsCommand(s, arg),
    [CommandIds.clearRunsFilter]: () => filterRunsCommand(s, ''),
    [CommandIds.refreshRuns]: async () => {
      s.configsTree.refresh();
      await s.reloadRuns();
    },
    [CommandIds.createExample]: (arg?: unknown) => createExampleConfig(typeof arg === 'object' && arg && 'name' in arg ? (arg as { name: unknown }).name : arg),
    [CommandIds.applyFix]: (args: Parameters<typeof applyFixCommand>[1]) => applyFixCommand(s, args),
    [CommandIds.openConfig]: (...args: unknown[]) => openConfigCommand(s, ...args),
    [CommandIds.trainAgain]: (...args: unknown[]) => trainAgainCommand(s, ...args),
  };
}

export function registerCommands(context: vscode.ExtensionContext, s: Services): void {
  for (const [id, handler] of Object.entries(commandHandlers(s))) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
}
