import { badOption, CliError } from '../errors';
import type { CliOptions } from '../options';
import { startHopscope, type HopscopeOptions, type RunningHopscope } from '../start';
import { parseTargetSpecs } from '../targets';

/** `hopscope up --target NAME=URL …`: a proxy in front of each of the user's own targets, and the hub. */
export async function runUp(options: CliOptions, common: HopscopeOptions): Promise<RunningHopscope> {
  if (options.scenario) throw badOption('--scenario runs on the built-in demo targets only: hopscope demo --scenario talk');
  if (options.targets.length === 0) {
    throw new CliError(
      'HOPSCOPE_CLI_BAD_TARGET',
      'hopscope up needs at least one --target NAME=URL, e.g. --target app=http://127.0.0.1:5000',
    );
  }
  return startHopscope({ ...common, targets: parseTargetSpecs(options.targets) });
}
