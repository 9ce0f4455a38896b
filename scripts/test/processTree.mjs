// A process and everything it started, found through /proc by parent pid. Process groups are not
// enough: code-server runs in a session of its own (setsid), and Chromium's helpers are spread
// over several groups, yet every one of them keeps its parent pid. /proc is read directly rather
// than through `ps`, which minimal Debian images lack (procps is not installed there).
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** pid -> parent pid of every process visible in /proc. */
function parents() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // exited while we read
    }
  }
  return map;
}

/** The pids of every descendant of `pid` (children, their children, ...). */
export function descendants(pid) {
  const children = new Map();
  for (const [child, parent] of parents()) {
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(child);
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills `pid` and all its descendants with SIGKILL. Each is stopped (SIGSTOP) first, and the tree
 * read again until no new process appears, so that nothing forks a child we would miss.
 * Returns how many processes were killed.
 */
export function killTree(pid) {
  if (!existsSync('/proc/self/stat')) return signal(pid, 'SIGKILL') ? 1 : 0;
  const tree = new Set([pid]);
  signal(pid, 'SIGSTOP');
  for (let round = 0; round < 10; round++) {
    const fresh = descendants(pid).filter((p) => !tree.has(p));
    if (!fresh.length) break;
    for (const p of fresh) {
      tree.add(p);
      signal(p, 'SIGSTOP');
    }
  }
  let killed = 0;
  for (const p of tree) if (signal(p, 'SIGKILL')) killed += 1;
  return killed;
}

/** True while `pid` runs (a zombie, killed but not yet reaped by its parent, counts as gone). */
export function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return existsSync('/proc/self/stat') ? false : signal(pid, 0);
  }
}
