import { CliError } from './errors';
import type { CliOptions } from './options';
import type { HopscopeOptions, RunningHopscope } from './start';

/**
 * `hopscope demo --flask` (issue 3): the example Flask app under the Werkzeug
 * dev server and under gunicorn, each behind a proxy. Placeholder until the
 * Flask integration lands.
 */
export async function startFlaskDemoStack(options: CliOptions, common: HopscopeOptions): Promise<RunningHopscope> {
  void options;
  void common;
  throw new CliError('HOPSCOPE_CLI_PREREQUISITE_MISSING', 'hopscope demo --flask is not available yet.');
}
