/**
 * The "Loss Lens" output channel (a LogOutputChannel: levels, timestamps, and the user's chosen log
 * level): run starts and ends, failures with their message, and anything the host ignored (a
 * malformed dashboard message). Free of state beyond the channel, so every piece can log.
 */
import * as vscode from 'vscode';
import type { RunStore } from '../store/runStore';
import type { IDisposable } from '../dispose';
import { runWords } from './statusText';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel | undefined {
  return channel;
}

/** Creates the channel and logs the store's run lifecycle into it. */
export function registerLog(context: vscode.ExtensionContext, store: RunStore): IDisposable {
  channel = vscode.window.createOutputChannel('Loss Lens', { log: true });
  context.subscriptions.push(channel);
  const started = store.onDidChange((run) => {
    if (run?.origin === 'live' && run.state === 'running' && run.epochs.length === 0 && run.classes.length === 0) channel?.info(`run "${run.name}" started: ${run.dir}`);
  });
  const ended = store.onDidChangeState((run) => {
    const summary = `run "${run.name}" ${runWords(run)}; ${run.flags.length} flag${run.flags.length === 1 ? '' : 's'}`;
    if (run.state === 'failed') channel?.error(`${summary}: ${run.error ?? 'unknown error'}`);
    else channel?.info(summary);
  });
  return { dispose: () => (started.dispose(), ended.dispose(), (channel = undefined)) };
}
