import { badOption } from '../errors';
import type { CliOptions } from '../options';
import { startHopscope, type HopscopeOptions, type RunningHopscope } from '../start';
import { parseTargetSpecs } from '../targets';

/** `hopscope` / `hopscope demo`: the built-in targets (or `--flask`, `--fastapi`: a real Python stack), each behind a proxy. */
export async function runDemo(options: CliOptions, common: HopscopeOptions): Promise<RunningHopscope> {
  if (options.scenario && (options.flask || options.fastapi || options.targets.length > 0)) {
    throw badOption('--scenario runs on the built-in demo targets only: hopscope demo --scenario talk');
  }
  if (options.flask && options.fastapi) throw badOption('--flask and --fastapi each start a stack of their own: give one of them');
  if (options.flask) {
    const { startFlaskDemoStack } = await import('./demo-flask');
    return startFlaskDemoStack(options, common);
  }
  if (options.fastapi) {
    const { startFastAPIDemoStack } = await import('./demo-fastapi');
    return startFastAPIDemoStack(options, common);
  }
  return startHopscope({
    ...common,
    targets: options.targets.length > 0 ? parseTargetSpecs(options.targets) : undefined,
    demoWorkers: options.workers,
    scenario: options.scenario ? { name: options.scenario, log: (line) => console.log(`scenario ${line}`) } : undefined,
  });
}
