/** Keeps the `lossLens.running` context key true while any run trains (menus show Stop then). */
import * as vscode from 'vscode';
import { RUNNING_CONTEXT_KEY } from '../protocol/commands';
import type { RunStore } from '../store/runStore';
import type { IDisposable } from '../dispose';

export function trackRunningContext(store: RunStore): IDisposable {
  let last: boolean | undefined;
  const update = (): void => {
    const running = store.live().some((r) => r.origin === 'live');
    if (running === last) return;
    last = running;
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT_KEY, running);
  };
  update();
  return store.onDidChange(update);
}
