import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pool, type Dispatcher } from 'undici';
import type { SpanRecord, SpanSink } from '@hopscope/shared';
import { startNginx, startUpstream } from './bench-servers';
import { runWrk, type WrkResult } from './wrk';

/**
 * `npx tsx bench/forwarding-path.ts [REV]` (needs Debian's wrk and nginx):
 * the proxy's CPU time per forwarded request and its throughput, the working
 * tree's proxy/src against git revision REV's (default 9a4060b, the last
 * before the forwarding path was reworked), each proxy in a process of its
 * own in front of bench/trivial-upstream.ts, making its spans into a
 * batching sink as the proxies' thread does.
 *
 * A third process is the floor of this stack (serveFloor: Node's server and
 * undici, nothing else), for scale.
 *
 * Each round, wrk loads the three at the same time (one wrk each, same
 * connections), so whatever else runs on the machine hits them alike; CPU
 * time is each process's own (process.cpuUsage; wrk and the upstream are
 * other processes). Then each, and nginx (one worker), is loaded alone, in
 * turns, for the throughput ratio the goals name. BENCH_CONNECTIONS (default
 * 50), BENCH_ROUNDS (4), BENCH_SECONDS (5): about 110 s.
 *
 * Profile the working tree's proxy alone: `BENCH_PROFILE=/tmp/prof npx tsx
 * bench/forwarding-path.ts` (its process runs with --cpu-prof), then `npx tsx
 * bench/profile-top.ts /tmp/prof/FILE.cpuprofile 25`.
 */
const REV = process.argv[2] ?? '9a4060b';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const here = fileURLToPath(import.meta.url);

/** Like the SpanChannel: events are kept in a batch of 512, then let go. */
function batchingSink(): SpanSink {
  let batch: SpanRecord[] = [];
  const take = (span: SpanRecord) => {
    batch.push(span);
    if (batch.length >= 512) batch = [];
  };
  return { spanStarted: take, spanEnded: take } as SpanSink;
}

/** In a child: one proxy from `sourceDir` in front of `upstream`; answers 'cpu' with its CPU time so far (µs). */
async function serve(sourceDir: string, upstream: string): Promise<void> {
  const { createProxy } = (await import(pathToFileURL(`${sourceDir}/create-proxy.ts`).href)) as typeof import('../proxy/src/create-proxy');
  const proxy = await createProxy({ target: 'bench', upstream, sink: batchingSink() });
  announce(proxy.url);
}

/** Answers the parent's 'cpu' with this process's CPU time so far (µs), once it knows the URL. */
function announce(url: string): void {
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send!({ cpu: user + system });
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ url });
}

/**
 * The least a proxy on this stack can do, for scale: Node's HTTP server and
 * undici's Pool.dispatch as the proxy uses them, the upstream's status,
 * headers (minus the framing ones) and body passed on, no spans, no header
 * rules, no error handling beyond a 502.
 */
async function serveFloor(upstream: string): Promise<void> {
  const pool = new Pool(upstream, { connections: 256 });
  const server = http.createServer((req, res) => {
    pool.dispatch(
      { path: req.url!, method: req.method as Dispatcher.HttpMethod, headers: req.headers as Record<string, string>, body: null },
      {
        onRequestStart() {},
        onResponseStart(_controller, status, headers) {
          delete headers.connection;
          delete headers['keep-alive'];
          delete headers['transfer-encoding'];
          res.writeHead(status, headers);
        },
        onResponseData: (_controller, chunk) => void res.write(chunk),
        onResponseEnd: () => void res.end(),
        onResponseError: () => void (res.headersSent ? res.destroy() : res.writeHead(502).end()),
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

interface ProxyProcess {
  url: string;
  cpuMicros(): Promise<number>;
  stop(): void;
}

async function startProxyProcess(args: string[], profile: boolean): Promise<ProxyProcess> {
  const execArgv = ['--import', 'tsx', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])];
  const child: ChildProcess = fork(here, args, { execArgv, stdio: 'inherit' });
  const next = () => new Promise<Record<string, unknown>>((resolve) => child.once('message', (m) => resolve(m as Record<string, unknown>)));
  const { url } = (await next()) as { url: string };
  return {
    url,
    cpuMicros: async () => {
      const answer = next();
      child.send('cpu');
      return (await answer).cpu as number;
    },
    // A disconnect lets the child exit on its own, which writes its CPU profile.
    stop: () => child.disconnect(),
  };
}

/** REV's proxy/src, extracted where @hopscope/shared and the proxy's dependencies still resolve. */
function formerSources(): string {
  const root = fileURLToPath(new URL('../node_modules/.cache/hopscope-bench-forwarding/', import.meta.url));
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  execFileSync('tar', ['-x', '-C', root], { input: execFileSync('git', ['archive', REV, 'proxy/src']) });
  return `${root}proxy/src`;
}

/** wrk against `proxy` for SECONDS; the CPU time per request it cost that proxy's process. */
async function loaded(proxy: ProxyProcess): Promise<WrkResult & { cpuPerRequest: number }> {
  const before = await proxy.cpuMicros();
  const result = await runWrk(`${proxy.url}/`, { connections: CONNECTIONS, seconds: SECONDS });
  const cpu = (await proxy.cpuMicros()) - before;
  return { ...result, cpuPerRequest: cpu / Math.max(1, result.requestsPerSecond * SECONDS) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = () => loadavg()[0]!.toFixed(1);

interface Measured {
  label: string;
  proxy: ProxyProcess;
  cpu: number[];
  rpsTogether: number[];
  rpsAlone: number[];
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const current = fileURLToPath(new URL('../proxy/src', import.meta.url));
  if (PROFILE_DIR) {
    const proxy = await startProxyProcess(['--serve', current, upstream.url], true);
    await runWrk(`${proxy.url}/`, { connections: CONNECTIONS, seconds: 2 });
    const run = await loaded(proxy);
    console.log(`profiled: ${run.requestsPerSecond.toFixed(0)} req/s, ${run.cpuPerRequest.toFixed(0)} µs CPU/request`);
    proxy.stop();
    return upstream.stop();
  }
  const nginx = await startNginx(upstream.port);
  // nginx is no child of ours once it daemonises: stop it even if this process dies of an error.
  process.once('exit', () => nginx.stop());
  const measured: Measured[] = [];
  const add = async (label: string, args: string[]) =>
    measured.push({ label, proxy: await startProxyProcess(args, false), cpu: [], rpsTogether: [], rpsAlone: [] });
  await add(REV, ['--serve', formerSources(), upstream.url]);
  await add('working tree', ['--serve', current, upstream.url]);
  await add('floor: node:http server + undici dispatch, no spans, no rules', ['--serve-floor', upstream.url]);
  const nginxAlone: number[] = [];
  try {
    await Promise.all(measured.map((m) => runWrk(`${m.proxy.url}/`, { connections: CONNECTIONS, seconds: 2 })));
    for (let round = 0; round < ROUNDS; round++) {
      const runs = await Promise.all(measured.map((m) => loaded(m.proxy)));
      runs.forEach((run, i) => {
        measured[i]!.cpu.push(run.cpuPerRequest);
        measured[i]!.rpsTogether.push(run.requestsPerSecond);
      });
      for (const m of measured)
        m.rpsAlone.push((await runWrk(`${m.proxy.url}/`, { connections: CONNECTIONS, seconds: SECONDS })).requestsPerSecond);
      nginxAlone.push((await runWrk(`${nginx.url}/`, { connections: CONNECTIONS, seconds: SECONDS })).requestsPerSecond);
      console.error(
        `round ${round + 1} (load ${load()}): ` +
          measured
            .map((m) => `${m.label.slice(0, 12)}: ${m.cpu.at(-1)!.toFixed(0)} µs, ${m.rpsAlone.at(-1)!.toFixed(0)} req/s alone`)
            .join('; ') +
          `; nginx ${nginxAlone.at(-1)!.toFixed(0)} req/s`,
      );
    }
  } finally {
    for (const m of measured) m.proxy.stop();
    nginx.stop();
    upstream.stop();
  }
  console.log(`${CONNECTIONS} connections each, median of ${ROUNDS} rounds of ${SECONDS} s; load average at the end ${load()}`);
  console.log('| proxy | CPU µs/request (all loaded at once) | requests/s (all at once) | requests/s alone | × nginx alone |');
  console.log('|---|---:|---:|---:|---:|');
  const nginxRps = median(nginxAlone);
  for (const m of measured)
    console.log(
      `| ${m.label} | ${median(m.cpu).toFixed(0)} | ${median(m.rpsTogether).toFixed(0)} | ${median(m.rpsAlone).toFixed(0)} | ${(median(m.rpsAlone) / nginxRps).toFixed(2)} |`,
    );
  console.log(`| nginx, 1 worker | — | — | ${nginxRps.toFixed(0)} | 1 |`);
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv[4]!);
else if (process.argv[2] === '--serve-floor') await serveFloor(process.argv[3]!);
else await main();
