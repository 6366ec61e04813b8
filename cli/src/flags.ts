import { parseArgs, type ParseArgsConfig } from 'node:util';
import { badOption } from './errors';

/**
 * Strict flag parsing shared by every command: unknown flags and missing
 * values become HOPSCOPE_CLI_BAD_OPTION with Node's own explanation.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw badOption((error as Error).message.replace(/\. To specify.*$/s, ''));
  }
}
