import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { otlpBase, startHopscope, type RunningHopscope } from '@hopscope/cli';
import { getJson } from '../support/http';

/** An app started as a child process, with everything it wrote kept for the assertions and for failure messages. */
export interface ChildApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `command` and waits until `portOf` finds the port it listens on in
 * what it printed (stdout or stderr). Fails with the app's output when it
 * exits or says nothing usable within `timeoutMs`.
 */
export function startChildApp(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; portOf: (output: string) => number | undefined; timeoutMs?: number },
): Promise<ChildApp> {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const stop = () => stopChild(child);
  return new Promise<ChildApp>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${[command, ...args].join(' ')} did not start within ${options.timeoutMs ?? 60_000} ms:\n${text}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const port = options.portOf(text);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${port}`, output: () => text, stop });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${[command, ...args].join(' ')} exited (${code ?? signal}) before listening:\n${text}`));
    });
  });
}

/**
 * Starts several apps at once; each that started is added to `into` (for
 * afterAll to stop) even when another failed, whose error is then thrown.
 */
export async function startAll<T extends Array<Promise<ChildApp>>>(
  into: ChildApp[],
  starts: [...T],
): Promise<{ [K in keyof T]: ChildApp }> {
  const settled = await Promise.allSettled(starts);
  for (const result of settled) if (result.status === 'fulfilled') into.push(result.value);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<ChildApp>).value) as { [K in keyof T]: ChildApp };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The full trace (`GET /api/traces/:id`, span tree included) of the newest
 * finished request to `path` on `target` once `ready` holds: app spans come
 * over OTLP after the proxy's, up to the SDK's batch delay later.
 */
export async function fullTrace(
  hubUrl: string,
  target: string,
  path: string,
  ready: (trace: Trace) => boolean,
  timeoutMs = 20_000,
): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const list = await getJson<Trace[]>(`${hubUrl}/api/traces?limit=200&target=${encodeURIComponent(target)}`);
      const summary = list.find((t) => t.path === path && !t.inFlight);
      if (!summary) throw new Error(`no finished ${target} ${path} trace yet`);
      const trace = await getJson<Trace>(`${hubUrl}/api/traces/${summary.traceId}`);
      if (!ready(trace))
        throw new Error(`${target} ${path}: the app's spans have not all arrived (hops: ${trace.hops.map((h) => h.hop).join(', ')})`);
      return trace;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

export const hopOf = (trace: Trace, name: string) => {
  const hop = trace.hops.find((h) => h.hop === name);
  if (!hop) throw new Error(`no ${name} hop in ${trace.hops.map((h) => h.hop).join(', ')}`);
  return hop;
};

/** Both the gateway and the view hop came from the app's own spans: its OTLP export has arrived. */
export const hasAppHops = (trace: Trace) => ['gateway', 'view'].every((name) => trace.hops.some((h) => h.hop === name && h.measured));

const NODE_APPS = fileURLToPath(new URL('./apps/', import.meta.url));

/** A Node app of `apps/` under the official SDK (`node --require SETUP APP`), exporting OTLP/HTTP to `otlpEndpoint`. */
export function startNodeSdkApp(otlpEndpoint: string, setup: string, app: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildApp> {
  return startChildApp(process.execPath, ['--require', setup, app], {
    cwd: NODE_APPS,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, ...extraEnv },
    portOf: (output) => {
      const line = /\{"port":(\d+)\}/.exec(output);
      return line ? Number(line[1]) : undefined;
    },
  });
}

/**
 * A real hopscope with one proxy per app: `starts` gets the OTLP endpoint to
 * export to and names the apps; each started app lands in `apps` (to stop
 * afterwards) even when another fails. Returns the stack and each app's proxy URL.
 */
export async function appsBehindHopscope(
  apps: ChildApp[],
  starts: (otlpEndpoint: string) => Record<string, Promise<ChildApp>>,
): Promise<{ stack: RunningHopscope; proxy: Record<string, string> }> {
  const stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  try {
    const named = starts(otlpBase(stack.otlpUrl));
    const started = await startAll(apps, Object.values(named));
    const infos = await stack.addTargets(Object.keys(named).map((name, i) => ({ name, url: started[i]!.url })));
    return { stack, proxy: Object.fromEntries(infos.map((info) => [info.name, info.proxy])) };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
