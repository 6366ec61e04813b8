import { CliError } from './errors';
import type { CliOptions } from './options';
import { closest } from './suggest';

/** What `hopscope COMMAND --help` says, and how many operands the command takes. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** The one operand the command needs (FILE), if any; every other word is refused. */
  operand?: string;
  /** The options that apply, in the order `--help` lists them. */
  flags: readonly string[];
}

const SERVING = ['host', 'port', 'otlp-port', 'otlp-grpc-port', 'proxy-port', 'token', 'capture-header', 'record', 'open'];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'demo',
    usage: 'hopscope [demo] [--flask | --fastapi | --scenario talk] [options]',
    summary:
      'The built-in demo (the default command): the hub, the dashboard, and a tracing proxy in front of each of two demo\n' +
      'targets, "dev" (one request at a time) and "workers" (a pre-fork master with --workers processes); or the\n' +
      'example Flask app (--flask) or FastAPI app (--fastapi) under its development server and under Gunicorn.',
    flags: [...SERVING, 'workers', 'flask', 'fastapi', 'scenario'],
  },
  {
    name: 'up',
    usage: 'hopscope up --target NAME=URL [--target NAME=URL ...] [options]',
    summary: 'A tracing proxy in front of each of your app servers, and the hub with the dashboard.',
    flags: ['target', ...SERVING],
  },
  {
    name: 'replay',
    usage: 'hopscope replay FILE [options]',
    summary: 'Plays a recording (hopscope demo|up --record FILE) in the dashboard: no target, no network.',
    operand: 'FILE',
    flags: ['host', 'port', 'token', 'open'],
  },
  {
    name: 'export',
    usage: 'hopscope export FILE [--out OUT.html]',
    summary: 'Writes one self-contained HTML file that plays the recording FILE, offline.',
    operand: 'FILE',
    flags: ['out'],
  },
];

/** `compare` parses its own flags (commands/compare.ts); it is a command all the same. */
const COMMAND_NAMES = [...COMMANDS.map((c) => c.name), 'compare'];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Refuses an unknown command and words a command does not take, before anything starts. */
export function checkCommandLine(options: CliOptions): CommandSpec {
  const command = findCommand(options.command);
  if (!command) {
    const guess = closest(options.command, COMMAND_NAMES);
    throw new CliError(
      'HOPSCOPE_CLI_UNKNOWN_COMMAND',
      `Unknown command "${options.command}"${guess ? ` (did you mean "${guess}"?)` : ''}. ` +
        `The commands are ${COMMAND_NAMES.join(', ')}; run "hopscope --help".`,
    );
  }
  const allowed = command.operand ? 1 : 0;
  const stray = options.positionals[allowed];
  if (stray !== undefined) {
    throw new CliError(
      'HOPSCOPE_CLI_UNEXPECTED_ARGUMENT',
      `Unexpected argument "${stray}": ${
        command.operand ? `hopscope ${command.name} takes one ${command.operand}` : `hopscope ${command.name} takes no arguments`
      } (options start with --). Run "hopscope ${command.name} --help".`,
    );
  }
  return command;
}
