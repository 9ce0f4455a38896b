/**
 * Follows other trainers' logs and run folders while another process writes them (the editor's
 * "Follow Log or Folder Live..." and its `lossLens.follow` setting): one LogdirFollower per
 * target path, and each run it finds (now or later) a record in the RunStore, `followed` while its
 * source reads it. Free of `vscode`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Disposable } from '../dispose';
import type { DiscoveredRun } from '../logs/discoverRuns';
import { LogdirFollower, type FollowedRun } from '../sources/logdirFollower';
import type { RunReading } from '../model';
import { newRunRecord, runIdOf, type RunRecord, type RunStore } from './runStore';

/**
 * A followed log that has not grown for this long is taken to have ended (completed, with a note).
 * PyTorch's SummaryWriter flushes every 2 minutes and a Keras epoch may take many: 15 minutes
 * leaves room for both, and a log that grows again later is taken up again (LogdirFollower.release).
 */
export const FOLLOW_IDLE_MS = 15 * 60 * 1000;
/** How often a target that does not exist yet (a setting's `runs/` before the first run) is looked for. */
export const WAIT_FOR_TARGET_MS = 5_000;

export interface FollowOptions {
  /** Follows only the runs this accepts (a glob of the setting). */
  readonly accept?: (run: DiscoveredRun, root: string) => boolean;
  /** Who asked: the command, or the setting (whose targets are replaced when it changes). */
  readonly by?: 'command' | 'setting';
  /** The path may not exist yet: wait for it rather than fail. */
  readonly waitForPath?: boolean;
  /** Tells apart two follows of one path (two globs of the setting with the same folder). */
  readonly key?: string;
}

export interface FollowControllerOptions {
  readonly idleTimeoutMs?: number;
  readonly pollIntervalMs?: number;
}

interface Target {
  readonly id: string;
  readonly path: string;
  readonly by: 'command' | 'setting';
  follower: LogdirFollower | undefined;
  waiting: ReturnType<typeof setInterval> | undefined;
  /** Run ids this target's sources feed, live or ended. */
  readonly runs: Set<string>;
}

export class FollowController extends Disposable {
  private readonly targets = new Map<string, Target>();
  /** Live sources by run id: which target feeds the run, and its key there. */
  private readonly live = new Map<string, { readonly target: Target; readonly followed: FollowedRun }>();
  /** Runs the user stopped: an end that is not to be taken up again. */
  private readonly stopping = new Set<string>();

  constructor(
    private readonly store: RunStore,
    private readonly options: FollowControllerOptions = {},
  ) {
    super();
    this._register({ dispose: () => void this.stopAll() });
  }

  /** Whether a source reads this run as it grows. */
  isFollowed(runId: string): boolean {
    return this.live.has(runId);
  }

  /** The paths followed (for the Stop Following picker), by who asked. */
  followedPaths(by?: 'command' | 'setting'): string[] {
    return [...this.targets.values()].filter((t) => !by || t.by === by).map((t) => t.path);
  }

  /**
   * Follows every run under a path (a run's folder, its parent, a logs tree, one log file), and each
   * run that appears there later. A path followed already is followed afresh. Resolves with the
   * runs found now; throws the LogError naming the path when it cannot be read (unless
   * `waitForPath`: then it is looked for until it appears).
   */
  async follow(target: string, options: FollowOptions = {}): Promise<RunRecord[]> {
    const abs = path.resolve(target);
    const by = options.by ?? 'command';
    const id = `${by}:${abs}${options.key ? `#${options.key}` : ''}`;
    await this.stopTarget(id);
    const t: Target = { id, path: abs, by, follower: undefined, waiting: undefined, runs: new Set() };
    this.targets.set(id, t);
    if (options.waitForPath && !existsSync(abs)) {
      t.waiting = setInterval(() => {
        if (!existsSync(abs) || this.targets.get(id) !== t) return;
        clearInterval(t.waiting);
        t.waiting = undefined;
        void this.open(t, options).catch(() => undefined);
      }, WAIT_FOR_TARGET_MS);
      return [];
    }
    try {
      return await this.open(t, options);
    } catch (error) {
      this.targets.delete(id);
      throw error;
    }
  }

  private async open(t: Target, options: FollowOptions): Promise<RunRecord[]> {
    const idleTimeoutMs = this.options.idleTimeoutMs ?? FOLLOW_IDLE_MS;
    const follower = new LogdirFollower(t.path, { idleTimeoutMs, ...(this.options.pollIntervalMs ? { pollIntervalMs: this.options.pollIntervalMs } : {}), ...(options.accept ? { accept: options.accept } : {}) }, (followed) => this.adopt(t, followed));
    t.follower = follower;
    try {
      await follower.start();
    } catch (error) {
      t.follower = undefined;
      await follower.close();
      throw error;
    }
    return [...t.runs].flatMap((id) => this.store.get(id) ?? []);
  }

  /** A run the follower found: a record fed by its source (unless another target already feeds it). */
  private adopt(t: Target, followed: FollowedRun): void {
    const id = runIdOf(followed.key);
    if (this.live.has(id)) return followed.source.dispose();
    const run = newRunRecord({ dir: followed.key, origin: followed.source.origin, name: followed.run.name });
    this.live.set(id, { target: t, followed });
    t.runs.add(id);
    this.store.follow(run, followed.source, { onReading: (reading) => this.onReading(t, followed, id, reading) });
  }

  private onReading(t: Target, followed: FollowedRun, id: string, reading: RunReading): void {
    if (reading.type !== 'run/didEnd') return;
    if (this.live.get(id)?.followed === followed) this.live.delete(id);
    followed.source.dispose();
    // Ended by itself (quiet, or its end marker): taken up again if it grows. Stopped: not.
    if (this.stopping.delete(id)) return;
    t.follower?.release(followed.key);
  }

  /**
   * Stops following a run: what was read is judged and the run ends here (its trainer goes on).
   * When no run of its target is followed any more, the target is closed too (no new runs come).
   */
  async stop(runId: string): Promise<boolean> {
    const entry = this.live.get(runId);
    if (!entry) return false;
    this.stopping.add(runId);
    entry.followed.source.stop();
    if (![...this.live.values()].some((e) => e.target === entry.target)) await this.stopTarget(entry.target.id);
    return true;
  }

  /** Stops following a path given to follow() (every run under it, and new ones). */
  async stopPath(target: string, by?: 'command' | 'setting'): Promise<number> {
    const abs = path.resolve(target);
    const ids = [...this.targets.values()].filter((t) => t.path === abs && (!by || t.by === by)).map((t) => t.id);
    for (const id of ids) await this.stopTarget(id);
    return ids.length;
  }

  async stopAll(by?: 'command' | 'setting'): Promise<void> {
    for (const t of [...this.targets.values()]) if (!by || t.by === by) await this.stopTarget(t.id);
  }

  private async stopTarget(id: string): Promise<void> {
    const t = this.targets.get(id);
    if (!t) return;
    this.targets.delete(id);
    if (t.waiting) clearInterval(t.waiting);
    for (const runId of t.runs) if (this.live.get(runId)?.target === t) this.stopping.add(runId);
    await t.follower?.close();
  }
}
