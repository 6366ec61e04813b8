import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
 * Each round, wrk loads both proxies at the same time (one wrk each, same
 * connections), so whatever else runs on the machine hits both alike; CPU
 * time is the proxy process's own (process.cpuUsage, wrk and the upstream
 * are other processes). Then nginx (one worker) and each proxy are loaded
 * alone, in turns, for the throughput ratio the goals name. BENCH_CONNECTIONS
 * (default 50), BENCH_ROUNDS (4), BENCH_SECONDS (5): about 80 s.
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
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send!({ cpu: user + system });
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ url: proxy.url });
}

interface ProxyProcess {
  url: string;
  cpuMicros(): Promise<number>;
  stop(): void;
}

async function startProxyProcess(sourceDir: string, upstream: string, profile: boolean): Promise<ProxyProcess> {
  const execArgv = ['--import', 'tsx', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])];
  const child: ChildProcess = fork(here, ['--serve', sourceDir, upstream], { execArgv, stdio: 'inherit' });
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

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const current = fileURLToPath(new URL('../proxy/src', import.meta.url));
  if (PROFILE_DIR) {
    const proxy = await startProxyProcess(current, upstream.url, true);
    await runWrk(`${proxy.url}/`, { connections: CONNECTIONS, seconds: 2 });
    const run = await loaded(proxy);
    console.log(`profiled: ${run.requestsPerSecond.toFixed(0)} req/s, ${run.cpuPerRequest.toFixed(0)} µs CPU/request`);
    proxy.stop();
    return upstream.stop();
  }
  const nginx = await startNginx(upstream.port);
  const former = await startProxyProcess(formerSources(), upstream.url, false);
  const now = await startProxyProcess(current, upstream.url, false);
  const together = { former: [] as number[], now: [] as number[], formerRps: [] as number[], nowRps: [] as number[] };
  const alone = { former: [] as number[], now: [] as number[], nginx: [] as number[] };
  try {
    await Promise.all([former, now].map((p) => runWrk(`${p.url}/`, { connections: CONNECTIONS, seconds: 2 })));
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await Promise.all([loaded(former), loaded(now)]);
      together.former.push(a.cpuPerRequest);
      together.now.push(b.cpuPerRequest);
      together.formerRps.push(a.requestsPerSecond);
      together.nowRps.push(b.requestsPerSecond);
      alone.former.push((await runWrk(`${former.url}/`, { connections: CONNECTIONS, seconds: SECONDS })).requestsPerSecond);
      alone.now.push((await runWrk(`${now.url}/`, { connections: CONNECTIONS, seconds: SECONDS })).requestsPerSecond);
      alone.nginx.push((await runWrk(`${nginx.url}/`, { connections: CONNECTIONS, seconds: SECONDS })).requestsPerSecond);
      console.error(
        `round ${round + 1} (load ${load()}): together ${a.cpuPerRequest.toFixed(0)} vs ${b.cpuPerRequest.toFixed(0)} µs CPU/request, ` +
          `${a.requestsPerSecond.toFixed(0)} vs ${b.requestsPerSecond.toFixed(0)} req/s; alone ${alone.former.at(-1)!.toFixed(0)} vs ${alone.now.at(-1)!.toFixed(0)} req/s, nginx ${alone.nginx.at(-1)!.toFixed(0)}`,
      );
    }
  } finally {
    former.stop();
    now.stop();
    nginx.stop();
    upstream.stop();
  }
  console.log(`${CONNECTIONS} connections each, median of ${ROUNDS} rounds of ${SECONDS} s; load average at the end ${load()}`);
  console.log('| proxy | CPU µs/request (both loaded at once) | requests/s (both at once) | requests/s alone | × nginx alone |');
  console.log('|---|---:|---:|---:|---:|');
  const nginxRps = median(alone.nginx);
  const line = (label: string, cpu: number[], rps: number[], solo: number[]) =>
    console.log(
      `| ${label} | ${median(cpu).toFixed(0)} | ${median(rps).toFixed(0)} | ${median(solo).toFixed(0)} | ${(median(solo) / nginxRps).toFixed(2)} |`,
    );
  line(REV, together.former, together.formerRps, alone.former);
  line('working tree', together.now, together.nowRps, alone.now);
  console.log(`| nginx, 1 worker | — | — | ${nginxRps.toFixed(0)} | 1 |`);
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv[4]!);
else await main();
