/**
 * The `loss-lens` command (docs/cli.md), on the same core as the extension: `train` runs the bundled
 * trainer on the same worker, `diagnose` reads a run folder or another trainer's log through the
 * same run sources, `lr-find` runs the range test. Progress goes to stderr, results to stdout (so
 * `--json` output can be piped). Bad input exits 2 with a message naming the file and key or row,
 * never a stack trace.
 */
import packageJson from '../package.json';
import { parseArgs, UsageError, USAGE, type Command } from './cli/args';
import { diagnose } from './cli/diagnose';
import { EXIT } from './cli/exitCodes';
import { reportFailure } from './cli/failure';
import { lrFind } from './cli/lrFind';
import { err, out } from './cli/output';
import { train } from './cli/train';

async function run(command: Command): Promise<number> {
  switch (command.command) {
    case 'help':
      out(USAGE);
      return EXIT.ok;
    case 'version':
      // Inlined by esbuild from package.json at build time.
      out(packageJson.version);
      return EXIT.ok;
    case 'train':
      return train(command);
    case 'diagnose':
      return diagnose(command);
    case 'lr-find':
      return lrFind(command);
    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`loss-lens: ${error.message}\n\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    // Lets the tests reach the "unexpected error" path (exit 1) without a real bug.
    if (process.env.LOSSLENS_FAULT_INJECTION === 'unexpected') throw new Error('fault injected by LOSSLENS_FAULT_INJECTION');
    return await run(command);
  } catch (error) {
    return reportFailure(error);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(`loss-lens: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT.unexpected;
  },
);
