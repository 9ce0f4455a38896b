/**
 * The one Disposable base every long-lived piece extends (after vscode-extension-samples
 * `custom-editor-sample/src/dispose.ts`): what a piece creates it `_register`s, and disposing the
 * piece disposes all of it, newest first. Free of `vscode` so pure host code (the job wrapper) can
 * use it too; `vscode.Disposable` satisfies `IDisposable` structurally.
 */
export interface IDisposable {
  dispose(): unknown;
}

export abstract class Disposable implements IDisposable {
  private readonly disposables: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `value`: disposed with this object (at once if this is already disposed). */
  protected _register<T extends IDisposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch {
        // One failing disposer must not keep the others alive.
      }
    }
  }
}

/** Wraps a teardown function as a disposable. */
export const toDisposable = (dispose: () => void): IDisposable => ({ dispose });

/**
 * A tiny typed event emitter (the shape of `vscode.Event`), usable where `vscode` is not.
 */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): IDisposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        // A failing listener must not stop the others (nor the training relay that fires it).
        console.error('[loss-lens] listener failed:', err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
