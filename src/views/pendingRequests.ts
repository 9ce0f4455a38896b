/**
 * Requests to a webview that it answers with the same id (GitLens's IpcRequest pattern): each one
 * resolves once, with the answer or, past its deadline or when the panel goes, with `undefined`.
 */
export class PendingRequests<T> {
  private readonly pending = new Map<string, { resolve: (value: T | undefined) => void; timer: ReturnType<typeof setTimeout> }>();
  private counter = 0;

  constructor(private readonly prefix: string) {}

  /** A new request id and the promise of its answer. */
  open(timeoutMs: number): { readonly requestId: string; readonly answer: Promise<T | undefined> } {
    const requestId = `${this.prefix}-${++this.counter}`;
    const answer = new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => this.settle(requestId, undefined), timeoutMs);
      this.pending.set(requestId, { resolve, timer });
    });
    return { requestId, answer };
  }

  /** Answers a request (an unknown or already answered id is ignored). */
  settle(requestId: string, value: T | undefined): void {
    const request = this.pending.get(requestId);
    if (!request) return;
    this.pending.delete(requestId);
    clearTimeout(request.timer);
    request.resolve(value);
  }

  /** Answers every open request with `undefined` (the webview is gone). */
  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined);
  }
}

/** A flag that can be awaited: resolves waiters when set, and can be cleared again (a hidden webview). */
export class Readiness {
  private ready = false;
  private waiters: (() => void)[] = [];

  get isSet(): boolean {
    return this.ready;
  }

  set(): void {
    this.ready = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  clear(): void {
    this.ready = false;
  }

  /** True once set, false if `timeoutMs` passes first. */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}
