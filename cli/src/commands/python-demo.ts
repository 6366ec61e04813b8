import { DemoError, type PythonServer } from '@hopscope/demo';
import { CliError } from '../errors';
import { otlpAuthEnv, otlpBase, startHopscope, type HopscopeOptions, type RunningHopscope } from '../start';

/** What starts one of the example apps under one server, exporting to the hub. */
export type PythonLauncher = (options: { otlpEndpoint: string; env: NodeJS.ProcessEnv }) => Promise<PythonServer>;

export interface PythonDemo {
  /** Throws DemoError naming what to install; returns what to say about the Python found (or nothing). */
  checkPrerequisites(): string | void;
  /** Target name → how to start it; each gets a proxy, in this order. */
  servers: ReadonlyArray<[name: string, launch: PythonLauncher]>;
  /** The line printed once everything is up. */
  describe(servers: PythonServer[], python: string | void): string;
}

/**
 * `hopscope demo --flask` / `--fastapi`: an example app under two servers
 * (its development server and Gunicorn), each behind a proxy, with the
 * dashboard. The hub starts first (its OTLP port must exist before the apps
 * export), then the apps, then their proxies; whatever started is stopped
 * again when a later step fails.
 */
export async function startPythonDemo(demo: PythonDemo, common: HopscopeOptions): Promise<RunningHopscope> {
  let python: string | void;
  try {
    python = demo.checkPrerequisites();
  } catch (error) {
    if (error instanceof DemoError) throw new CliError('HOPSCOPE_CLI_PREREQUISITE_MISSING', error.message, { cause: error });
    throw error;
  }
  const servers: PythonServer[] = [];
  const stopServers = () => Promise.all(servers.map((s) => s.stop())).then(() => undefined);
  const hub = await startHopscope({ ...common, targets: [] });
  try {
    const launch = { otlpEndpoint: otlpBase(hub.otlpUrl), env: otlpAuthEnv(common.token) };
    for (const [, start] of demo.servers) servers.push(await start(launch));
    const proxies = await hub.addTargets(demo.servers.map(([name], i) => ({ name, url: servers[i]!.url })));
    console.log(demo.describe(servers, python));
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
