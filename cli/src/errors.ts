/**
 * The CLI's error catalogue. Each error says what went wrong and what to do
 * next; main.ts prints the message (never a stack) and exits non-zero.
 */
export type CliErrorCode =
  | 'HOPSCOPE_CLI_PORT_IN_USE'
  | 'HOPSCOPE_CLI_BAD_TARGET'
  | 'HOPSCOPE_CLI_BAD_OPTION'
  | 'HOPSCOPE_CLI_UNKNOWN_COMMAND'
  | 'HOPSCOPE_CLI_UNEXPECTED_ARGUMENT'
  | 'HOPSCOPE_CLI_PREREQUISITE_MISSING'
  | 'HOPSCOPE_CLI_HUB_UNREACHABLE'
  | 'HOPSCOPE_CLI_COMPARE_FAILED'
  | 'HOPSCOPE_CLI_HUB_UNAUTHORIZED'
  | 'HOPSCOPE_CLI_BAD_THRESHOLD'
  | 'HOPSCOPE_CLI_THRESHOLD_CROSSED'
  | 'HOPSCOPE_CLI_BAD_RECORDING';

export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

export function portInUse(what: string, host: string, port: number, flag: string, cause?: unknown): CliError {
  return new CliError(
    'HOPSCOPE_CLI_PORT_IN_USE',
    `${what} cannot listen on ${host}:${port}: the port is already in use. ` +
      `Stop whatever is using it, or choose another port with ${flag}.`,
    { cause },
  );
}

export function badTarget(spec: string, reason: string): CliError {
  return new CliError(
    'HOPSCOPE_CLI_BAD_TARGET',
    `Bad --target "${spec}": ${reason}. Write it as NAME=URL, e.g. --target app=http://127.0.0.1:5000`,
  );
}

export function badOption(message: string): CliError {
  return new CliError('HOPSCOPE_CLI_BAD_OPTION', `${message}. Run "hopscope --help" for the options.`);
}
