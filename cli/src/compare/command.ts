/**
 * `hopscope compare …` (issue 5): parses its own flags and talks to a running
 * hub. Returns the process exit code. Placeholder until the compare command lands.
 */
export async function runCompareCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  void argv;
  void env;
  console.error('hopscope compare is not available yet.');
  return 2;
}
