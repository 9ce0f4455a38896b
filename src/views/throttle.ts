/**
 * Calls `fn` at most once per `intervalMs`, trailing: a call inside the interval is deferred to its
 * end, so the last state is always shown. Used on the host for views heavier than a message.
 */
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = -Infinity;

  constructor(
    private readonly fn: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  schedule(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) {
      this.run();
    } else {
      this.timer = setTimeout(() => this.run(), wait);
    }
  }

  private run(): void {
    this.timer = undefined;
    this.last = this.now();
    this.fn();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
