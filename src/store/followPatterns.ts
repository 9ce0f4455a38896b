/**
 * The `lossLens.follow` setting's globs (relative to the workspace folder) as what to follow: the
 * folder to watch (the glob's fixed start: `runs` for `runs/**`, the folder itself for
 * `lightning_logs`) and which runs under it count (a run whose folder or file, or a folder above
 * it, matches the glob). Matching is picomatch's, the glob library of the Node tooling VS Code uses.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { DiscoveredRun } from '../logs/discoverRuns';
import { runKey } from '../sources/logdirFollower';

export interface FollowPattern {
  readonly glob: string;
  /** The folder (or file) to watch, absolute. */
  readonly base: string;
  readonly accept: (run: DiscoveredRun, root: string) => boolean;
}

/** A glob of the setting as a pattern, or why it cannot be one (absolute, outside the folder, negated). */
export function followPattern(glob: string, workspaceFolder: string): FollowPattern | { readonly error: string } {
  const g = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (!g) return { error: 'an empty pattern' };
  if (path.isAbsolute(g) || /^[a-z]:/i.test(g)) return { error: `"${glob}" is absolute: the patterns are relative to the workspace folder` };
  if (g.split('/').includes('..')) return { error: `"${glob}" leaves the workspace folder` };
  if (g.startsWith('!')) return { error: `"${glob}" is negated: name the logs to follow instead` };
  const scan = picomatch.scan(g);
  const matches = picomatch(g, { dot: true });
  const base = path.join(workspaceFolder, scan.base);
  const accept = (run: DiscoveredRun, root: string): boolean => {
    const rel = path.relative(workspaceFolder, runKey(root, run)).split(path.sep).join('/');
    if (rel.startsWith('..')) return false;
    // The run, or a folder above it: `lightning_logs` follows lightning_logs/version_0.
    const parts = rel.split('/');
    for (let n = parts.length; n > 0; n--) if (matches(parts.slice(0, n).join('/'))) return true;
    return false;
  };
  return { glob: g, base, accept };
}
