import { CliError } from '../errors';
import type { CliOptions } from '../options';
import { DemoError, requirePythonStack, startFlaskDevServer, startGunicorn, type PythonServer } from '@hopscope/demo';
import { otlpAuthEnv, otlpBase, startHopscope, type HopscopeOptions, type RunningHopscope } from '../start';

/**
 * `hopscope demo --flask`: the example Flask app under Werkzeug's development
 * server (`flask-dev`) and under `gunicorn -w N` (`gunicorn`), each behind a
 * proxy, with the dashboard. The apps export their spans to the hub's OTLP port.
 */
export async function startFlaskDemoStack(options: CliOptions, common: HopscopeOptions): Promise<RunningHopscope> {
  try {
    requirePythonStack();
  } catch (error) {
    if (error instanceof DemoError) throw new CliError('HOPSCOPE_CLI_PREREQUISITE_MISSING', error.message, { cause: error });
    throw error;
  }
  const servers: PythonServer[] = [];
  const stopServers = () => Promise.all(servers.map((s) => s.stop())).then(() => undefined);
  // The hub first (its OTLP port must exist before the apps export), then the apps, then their proxies.
  const hub = await startHopscope({ ...common, targets: [] });
  try {
    const otlpEndpoint = otlpBase(hub.otlpUrl);
    const env = otlpAuthEnv(common.token);
    servers.push(await startFlaskDevServer({ otlpEndpoint, serviceName: 'flask-dev', env }));
    servers.push(await startGunicorn({ otlpEndpoint, serviceName: 'gunicorn', workers: options.workers, env }));
    const proxies = await hub.addTargets([
      { name: 'flask-dev', url: servers[0]!.url },
      { name: 'gunicorn', url: servers[1]!.url },
    ]);
    console.log(`Flask example: ${servers.map((s) => s.description).join('; ')}`);
    return {
      ...hub,
      targets: proxies,
      close: async () => {
        await hub.close();
        await stopServers();
      },
    };
  } catch (error) {
    await hub.close();
    await stopServers();
    throw error;
  }
}
