import { CliError } from '../errors';
import type { CliOptions } from '../options';
import { DemoError, requireFastAPIStack, startGunicornUvicorn, startUvicorn, type PythonServer } from '@hopscope/demo';
import { otlpAuthEnv, otlpBase, startHopscope, type HopscopeOptions, type RunningHopscope } from '../start';

/**
 * `hopscope demo --fastapi`: the example FastAPI app under uvicorn in one process (`uvicorn`,
 * the dev setup: one event loop for every request) and under Gunicorn's uvicorn workers
 * (`gunicorn-uvicorn`, `-w` from --workers: one event loop per process), each behind a proxy,
 * with the dashboard. `/blocking?ms=` shows what a blocking call in `async def` does to both.
 */
export async function startFastAPIDemoStack(options: CliOptions, common: HopscopeOptions): Promise<RunningHopscope> {
  let python: string;
  try {
    python = requireFastAPIStack().description;
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
    servers.push(await startUvicorn({ otlpEndpoint, serviceName: 'uvicorn', env }));
    servers.push(await startGunicornUvicorn({ otlpEndpoint, serviceName: 'gunicorn-uvicorn', workers: options.workers, env }));
    const proxies = await hub.addTargets([
      { name: 'uvicorn', url: servers[0]!.url },
      { name: 'gunicorn-uvicorn', url: servers[1]!.url },
    ]);
    console.log(`FastAPI example (${python}): ${servers.map((s) => s.description.replace(` under ${python}`, '')).join('; ')}`);
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
