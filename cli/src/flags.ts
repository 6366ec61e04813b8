import { parseArgs, type ParseArgsConfig } from 'node:util';
import { badOption } from './errors';
import { closest } from './suggest';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing shared by every command: unknown flags and missing
 * values become HOPSCOPE_CLI_BAD_OPTION with Node's own explanation, and a
 * mistyped flag names the one it is closest to. `-h` is `--help` wherever a
 * command has --help and has not given the letter to something else.
 */
export function parseFlags<T extends Options>(argv: readonly string[], options: T) {
  const withShortHelp = options.help && !Object.values(options).some((o) => o.short === 'h');
  const config = withShortHelp ? { ...options, help: { ...options.help, short: 'h' } } : options;
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: config as T });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify.*$/s, '');
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'--([^'=]+)'/.exec(message)?.[1] : undefined;
    const suggestion = unknown === undefined ? undefined : closest(unknown, Object.keys(options));
    throw badOption(suggestion ? `${message} (did you mean --${suggestion}?)` : message);
  }
}
