/**
 * The demo package's error catalogue: the built-in targets and the real
 * Python stacks it launches. The CLI turns these into its own codes where a
 * user sees them (a missing Python stack is HOPSCOPE_CLI_PREREQUISITE_MISSING).
 */
export type DemoErrorCode = 'HOPSCOPE_DEMO_PREREQUISITE_MISSING';

export class DemoError extends Error {
  readonly code: DemoErrorCode;

  constructor(code: DemoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemoError';
    this.code = code;
  }
}
