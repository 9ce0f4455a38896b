// Runs one step of the test command as a child process and ends it if it stops making progress:
// no output and no test started or finished for LOSSLENS_TEST_STALL_SECONDS (default 300 s: the
// slowest test seen here takes about 10 s, code-server starts silently in 5, an editor test times
// out at 60 s).
// A stalled step is killed with its whole process tree and the message names the test it was in.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TestProgress } from './progress.mjs';
import { killTree } from './processTree.mjs';

/** Arguments that add progressReporter.mjs to `node --test`: its event lines go to stderr. */
export const PROGRESS_REPORTER_ARGS = ['--test-reporter', fileURLToPath(new URL('./progressReporter.mjs', import.meta.url)), '--test-reporter-destination', 'stderr'];

export const DEFAULT_STALL_SECONDS = 300;

/** The stall interval in ms, from LOSSLENS_TEST_STALL_SECONDS. */
export function stallMs(env = process.env) {
  const seconds = Number(env.LOSSLENS_TEST_STALL_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_STALL_SECONDS) * 1000;
}

/** After the child exits, how long its pipes may stay open (held by a process it left behind). */
const DRAIN_MS = 5_000;
const CHECK_EVERY_MS = 1_000;

/** Children running now, killed with their trees if the test command itself is interrupted. */
const running = new Set();
let hooked = false;
function killRunningOnSignal() {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      for (const child of running) killTree(child.pid);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Runs `cmd args`, passing its output through as it comes (stdout unless `quiet`), less the progress
 * lines it reads (PROGRESS_REPORTER_ARGS, test/editor/index.ts).
 * Never rejects. Resolves to { status, stdout, stalled, tests }: `stalled` is the watchdog's
 * message when it ended the step, else null; `status` is null when the step was killed or could
 * not start; `tests` counts the tests progressReporter.mjs saw pass and fail.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, quiet?: boolean, indent?: string }} [opts]
 * @returns {Promise<{ status: number | null, stdout: string, stalled: string | null, tests: { passed: number, failed: number }, error?: string }>}
 */
export function runWatched(cmd, args, opts = {}) {
  const env = opts.env ?? process.env;
  const limit = stallMs(env);
  const progress = new TestProgress(opts.cwd);
  killRunningOnSignal();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let last = Date.now();
    let stalled = null;
    let settled = false;

    /** Splits a stream into lines; a partial line counts as progress too. */
    const lines = (stream, onLine) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        last = Date.now();
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const l of parts) onLine(l);
      });
      stream.on('end', () => {
        if (rest) onLine(rest);
      });
    };
    // `quiet` keeps stdout to the caller; stderr (a crash, a warning) is always shown.
    lines(child.stdout, (line) => {
      stdout += `${line}\n`;
      if (progress.line(line) && !opts.quiet) process.stdout.write(`${opts.indent ?? ''}${line}\n`);
    });
    lines(child.stderr, (line) => {
      if (progress.line(line)) process.stderr.write(`${opts.indent ?? ''}${line}\n`);
    });

    const timer = setInterval(() => {
      if (Date.now() - last < limit || stalled) return;
      const where = progress.where();
      const killed = killTree(child.pid);
      stalled = `stalled ${where ? `in ${where}` : 'before any test started'}: no output and no test started or finished for ${limit / 1000} s (LOSSLENS_TEST_STALL_SECONDS); killed its ${killed} process${killed === 1 ? '' : 'es'}`;
      console.log(`\n  watchdog: ${stalled}`);
    }, CHECK_EVERY_MS);

    const finish = (status, error) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      running.delete(child);
      resolve({ status: stalled ? null : status, stdout, stalled, tests: { passed: progress.passed, failed: progress.failed }, ...(error ? { error } : {}) });
    };
    child.on('error', (err) => finish(null, `could not start ${cmd}: ${err.message}`));
    child.on('close', (status) => finish(status));
    // A process the step left behind may hold its pipes open: do not wait for them forever.
    child.on('exit', (status) => {
      setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
        finish(status);
      }, DRAIN_MS).unref();
    });
  });
}
