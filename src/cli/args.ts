/**
 * The command line of `loss-lens` (docs/cli.md). Hand-written rather than util.parseArgs so every
 * mistake gets a message that says what to type instead (exit 2).
 */
import { closeMatch } from '../text/closeMatch';
import { FAIL_ON_LEVELS, type FailOn } from './exitCodes';

export type Command =
  | { readonly command: 'train'; readonly config: string; readonly out?: string; readonly replace?: true; readonly json: boolean; readonly failOn?: FailOn }
  | {
      readonly command: 'diagnose';
      readonly path: string;
      readonly json: boolean;
      readonly failOn?: FailOn;
      /** Keep reading as the logs grow (until the trainer's end marker, the idle timeout or Ctrl-C). */
      readonly follow?: true;
      readonly idleTimeoutSeconds?: number;
      /** Only runs whose name matches (a regular expression, case-insensitive, else a substring). */
      readonly filter?: string;
      /** NAME=METRIC[:step|:epoch] pairs for metric names the mapping does not know (docs/logs.md). */
      readonly metrics?: readonly string[];
    }
  | { readonly command: 'lr-find'; readonly config: string; readonly json: boolean }
  | { readonly command: 'help' }
  | { readonly command: 'version' };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage:
  loss-lens train CONFIG [--out DIR] [--json] [--fail-on warning|error] [--replace]
  loss-lens diagnose PATH [--json] [--fail-on warning|error] [--follow [--idle-timeout SECONDS]]
                     [--filter REGEX] [--metric NAME=METRIC ...]
  loss-lens lr-find CONFIG [--json]
  loss-lens --help | --version

Commands:
  train      Train the model a *.losslens.json describes, show progress, write the run folder
             (default: .losslens/runs/<time>-<name>/ beside the config) and print its diagnostics.
  diagnose   Run the same detectors on an existing log: a run folder or its metrics.jsonl, a Keras
             CSVLogger .csv, a Lightning metrics.csv, a Hugging Face trainer_state.json, or
             TensorBoard event files (events.out.tfevents.*, or their folder); a folder of many
             runs (lightning_logs/, a logs tree) gives every run. With --follow, while they train.
  lr-find    Learning-rate range test (Smith 2017, fastai's lr_find) on the config's model and
             data: short training while the rate grows from 1e-6 to 10; suggests a rate. Writes
             no run folder.

Options:
  --out DIR          Write the run folder here instead. A folder that holds another run is refused;
  --replace          with it, that run is moved aside to DIR.previous-<time> first.
  --json             Print the diagnostics as JSON (diagnostics.json) instead of the summary;
                     progress goes to stderr.
  --fail-on LEVEL    Exit 3 when a flag of this severity or worse was raised (for CI); with
                     --follow, the moment it is raised.
  --follow           Keep reading as the logs grow; print each flag when it is raised (one JSON
                     object per line with --json). Ends at the trainer's end marker, after
                     --idle-timeout SECONDS without a new record (default 600), or on Ctrl-C.
  --filter REGEX     Only the runs whose name matches (a plain substring when not a regex).
  --metric N=M       Read the series N as metric M (trainLoss, valLoss, trainAccuracy, valAccuracy,
                     learningRate, gradNorm, or none), optionally :step or :epoch. Repeatable.
  -h, --help         Show this help.
  -v, --version      Show the version.

Exit status: 0 done; 1 unexpected error; 2 bad input (config, data, arguments); 3 --fail-on
matched; 130, 143, 129 stopped by Ctrl-C, SIGTERM or SIGHUP (the run folder is finished with what
was measured).`;

const COMMANDS = ['train', 'diagnose', 'lr-find'] as const;
const OPTIONS: Record<string, { readonly value: boolean; readonly repeatable?: true; readonly commands: readonly string[] }> = {
  '--out': { value: true, commands: ['train'] },
  '--replace': { value: false, commands: ['train'] },
  '--json': { value: false, commands: ['train', 'diagnose', 'lr-find'] },
  '--fail-on': { value: true, commands: ['train', 'diagnose'] },
  '--follow': { value: false, commands: ['diagnose'] },
  '--idle-timeout': { value: true, commands: ['diagnose'] },
  '--filter': { value: true, commands: ['diagnose'] },
  '--metric': { value: true, repeatable: true, commands: ['diagnose'] },
};

export function parseArgs(argv: readonly string[]): Command {
  if (argv.some((a) => a === '--help' || a === '-h') || argv[0] === 'help') return { command: 'help' };
  if (argv.some((a) => a === '--version' || a === '-v')) return { command: 'version' };
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command: "train" or "diagnose"');
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const suggestion = closeMatch(command, COMMANDS);
    throw new UsageError(`unknown command "${command}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; use "train", "diagnose" or "lr-find"`);
  }
  const positional: string[] = [];
  const values: Record<string, string | true> = {};
  const repeated: Record<string, string[]> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const option = OPTIONS[name];
    if (!option || !option.commands.includes(command)) {
      const valid = Object.keys(OPTIONS).filter((o) => OPTIONS[o]!.commands.includes(command));
      const suggestion = closeMatch(name, valid);
      throw new UsageError(`unknown option "${name}" for ${command}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
    }
    if (name in values && !option.repeatable) throw new UsageError(`option "${name}" is given twice`);
    if (option.value) {
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined || value === '') throw new UsageError(`option "${name}" needs a value`);
      values[name] = value;
      if (option.repeatable) (repeated[name] ??= []).push(value);
    } else {
      if (eq > 0) throw new UsageError(`option "${name}" takes no value`);
      values[name] = true;
    }
  }
  const what = command === 'diagnose' ? 'PATH (a run folder or a log file)' : 'CONFIG (a *.losslens.json file)';
  if (positional.length === 0) throw new UsageError(`${command} needs ${what}`);
  if (positional.length > 1) throw new UsageError(`${command} takes one ${what.split(' ')[0]}, got ${positional.length}: ${positional.join(' ')}`);
  let failOn: FailOn | undefined;
  const failOnValue = values['--fail-on'];
  if (typeof failOnValue === 'string') {
    if (!(FAIL_ON_LEVELS as readonly string[]).includes(failOnValue)) {
      const suggestion = closeMatch(failOnValue, FAIL_ON_LEVELS);
      throw new UsageError(`--fail-on must be "warning" or "error", not "${failOnValue}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
    }
    failOn = failOnValue as FailOn;
  }
  const json = values['--json'] === true;
  const common = { json, ...(failOn ? { failOn } : {}) };
  if (command === 'train') {
    const out = values['--out'];
    if (values['--replace'] === true && typeof out !== 'string') throw new UsageError('--replace goes with --out DIR (a new run folder never holds another run)');
    return { command: 'train', config: positional[0]!, ...(typeof out === 'string' ? { out } : {}), ...(values['--replace'] === true ? { replace: true as const } : {}), ...common };
  }
  if (command === 'lr-find') return { command: 'lr-find', config: positional[0]!, json };
  return { command: 'diagnose', path: positional[0]!, ...common, ...diagnoseOptions(values, repeated) };
}

function diagnoseOptions(values: Record<string, string | true>, repeated: Record<string, string[]>): Partial<Extract<Command, { command: 'diagnose' }>> {
  const idle = values['--idle-timeout'];
  if (idle !== undefined && values['--follow'] !== true) throw new UsageError('--idle-timeout goes with --follow');
  const seconds = typeof idle === 'string' ? Number(idle) : undefined;
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) throw new UsageError(`--idle-timeout needs a number of seconds above 0, not "${idle}"`);
  const filter = values['--filter'];
  return {
    ...(values['--follow'] === true ? { follow: true as const } : {}),
    ...(seconds !== undefined ? { idleTimeoutSeconds: seconds } : {}),
    ...(typeof filter === 'string' ? { filter } : {}),
    ...(repeated['--metric'] ? { metrics: repeated['--metric'] } : {}),
  };
}
