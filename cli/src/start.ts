import { fileURLToPath } from 'node:url';
import type { TargetInfo } from '@hopscope/shared';
import { createHub, type Hub } from '@hopscope/server';
import { startProxyGroup, type ProxyGroup, type ProxyHandle } from '@hopscope/proxy';
import { startDemo, type DemoHandle } from '@hopscope/demo';
import { portInUse } from './errors';
import { checkScenarioName, scheduleScenario, type ScenarioChoice } from './scenario';
import type { TargetSpec } from './targets';

export interface HopscopeOptions {
  /** `hopscope up`; omitted = the built-in demo targets (dev + workers). */
  targets?: TargetSpec[];
  host?: string;
  /** Hub: dashboard, API, live stream. Default 4000; 0 = ephemeral. */
  port?: number;
  /** OTLP/HTTP receiver. Default 4318; 0 = ephemeral. */
  otlpPort?: number;
  /** OTLP/gRPC receiver. Default 4317, or ephemeral when `otlpPort` is 0 (so ephemeral stacks do not collide on 4317). */
  otlpGrpcPort?: number;
  /** First proxy port, the next target gets +1. Default 8080; 0 = every proxy ephemeral. */
  proxyPort?: number;
  demoWorkers?: number;
  /** Also forward every span to this OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT). */
  exportEndpoint?: string;
  /** Required by the hub on every request (set when binding beyond loopback). */
  token?: string;
  /** `--capture-header NAME`: headers each proxy records on its span (never credentials). */
  captureHeaders?: string[];
  /** `--record FILE`: the hub appends every finished span to FILE as OTLP JSON lines. */
  record?: string;
  /** `hopscope demo --scenario talk`: a scripted sequence on the built-in targets, once a dashboard connects. */
  scenario?: ScenarioChoice;
}

export interface RunningHopscope {
  hubUrl: string;
  otlpUrl: string;
  /** `http://HOST:PORT` of the OTLP/gRPC receiver. */
  otlpGrpcUrl?: string;
  targets: TargetInfo[];
  /** The hub itself, for callers that need more than the URLs (tests, replay). */
  hub: Hub;
  /** Puts a proxy in front of more targets (next proxy ports), e.g. apps started after the hub. */
  addTargets(targets: TargetSpec[]): Promise<TargetInfo[]>;
  /** The proxies stop accepting and finish their requests in flight, for at most `graceMs`; close() follows. */
  drain(graceMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The built dashboard: the ui workspace's dist/ from source, dist/ui beside the
 * compiled code in the `hopscope` npm package (hopscope/build.ts copies it there).
 */
export const UI_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../ui/dist' : './ui', import.meta.url));

/**
 * The composition root: starts the hub, the demo targets when no target was
 * given, and one proxy per target whose spans go straight into the hub.
 */
export async function startHopscope(options: HopscopeOptions = {}): Promise<RunningHopscope> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4000;
  const otlpPort = options.otlpPort ?? 4318;
  const otlpGrpcPort = options.otlpGrpcPort ?? (otlpPort === 0 ? 0 : 4317);
  const proxyPort = options.proxyPort ?? 8080;
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };

  if (options.scenario) checkScenarioName(options.scenario.name);
  let proxies: ProxyGroup | undefined;
  const infos: TargetInfo[] = [];
  try {
    const hub = await createHub({
      host,
      port,
      otlpPort,
      otlpGrpcPort,
      uiDir: UI_DIR,
      exportEndpoint: options.exportEndpoint,
      token: options.token,
      recordFile: options.record,
      proxyDropped: () => proxies?.dropped() ?? 0,
      // Listed by /api/targets from the hub's first answer, `starting` until their proxies listen.
      targets: options.targets?.map(starting),
    }).catch((error: unknown) => {
      throw mapPortError(error, 'The hub', host, [
        [port, '--port'],
        [otlpPort, '--otlp-port'],
        [otlpGrpcPort, '--otlp-grpc-port'],
      ]);
    });
    closers.push(() => hub.close());
    // The proxies forward on their own thread: the hub's work must not show up as the app's latency.
    const group = startProxyGroup({
      sink: hub.sink,
      onFailure: (error) => {
        for (const info of infos) hub.addTarget({ ...info, state: 'failed', error: 'the proxies stopped' });
        process.stderr.write(`hopscope: the proxies stopped (${error.message}); restart hopscope.\n`);
      },
    });
    proxies = group;
    closers.push(() => group.close());

    let targets = options.targets;
    if (!targets) {
      const demo: DemoHandle = await startDemo({
        otlpEndpoint: otlpBase(hub.otlpUrl),
        host,
        workers: options.demoWorkers,
        env: otlpAuthEnv(options.token),
      });
      closers.push(() => demo.close());
      targets = demo.targets;
      for (const target of targets) hub.addTarget(starting(target));
    }

    // Proxies take consecutive ports from --proxy-port, in the order targets are given.
    const addTargets = async (specs: TargetSpec[]): Promise<TargetInfo[]> => {
      const added: TargetInfo[] = [];
      for (const target of specs) {
        const listenPort = proxyPort === 0 ? 0 : proxyPort + infos.length;
        const proxy: ProxyHandle = await group
          .add({
            target: target.name,
            upstream: target.url,
            host,
            port: listenPort,
            captureHeaders: options.captureHeaders,
          })
          .catch((error: unknown) => {
            hub.addTarget({ ...starting(target), state: 'failed', error: (error as Error).message });
            throw mapPortError(error, `The proxy for "${target.name}"`, host, [[listenPort, '--proxy-port']]);
          });
        closers.push(() => proxy.close());
        const info: TargetInfo = { name: target.name, upstream: target.url, proxy: proxy.url, state: 'ready' };
        hub.addTarget(info);
        infos.push(info);
        added.push(info);
      }
      return added;
    };
    await addTargets(targets);
    if (options.scenario) closers.push(scheduleScenario(hub, infos, options.scenario));

    const drain = (graceMs: number) => group.drain(graceMs);
    return { hubUrl: hub.url, otlpUrl: hub.otlpUrl, otlpGrpcUrl: hub.otlpGrpcUrl, targets: infos, hub, addTargets, drain, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A target as the hub lists it before its proxy listens (no proxy URL yet). */
function starting(target: TargetSpec): TargetInfo {
  return { name: target.name, upstream: target.url, proxy: '', state: 'starting' };
}

/** With a token the hub's OTLP port wants it too; apps get it the OTel way (values percent-encoded, W3C Baggage style). */
export function otlpAuthEnv(token: string | undefined): NodeJS.ProcessEnv {
  return token ? { OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(`Bearer ${token}`)}` } : {};
}

/** `http://127.0.0.1:4318/v1/traces` → `http://127.0.0.1:4318` (what OTEL_EXPORTER_OTLP_ENDPOINT means). */
export function otlpBase(otlpUrl: string): string {
  return otlpUrl.replace(/\/v1\/traces$/, '');
}

function mapPortError(error: unknown, what: string, host: string, ports: Array<[number, string]>): unknown {
  const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (code !== 'EADDRINUSE') return error;
  const failedPort = (error as { port?: number }).port ?? (error as { cause?: { port?: number } }).cause?.port;
  const match = ports.find(([p]) => p === failedPort) ?? ports[0]!;
  return portInUse(what, host, failedPort ?? match[0], match[1], error);
}
