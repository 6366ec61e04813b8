import { loadavg } from 'node:os';
import Fastify from 'fastify';
import httpProxy from '@fastify/http-proxy';
import { startHopscope } from '@hopscope/cli';
import { createProxy, type ProxyGroup, type ProxyHandle } from '@hopscope/proxy';
import { hubStats, startUpstream } from './bench-servers';
import { formerProxyGroup } from './former-proxy';
import { inTurns, type Setup, type Summary } from './turns';

/**
 * `npm run bench [-- --in-process] [-- --against REV]` (needs Debian's wrk):
 * requests/s, latency and CPU time per request on loopback, wrk at
 * BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (3) × BENCH_SECONDS (5) per
 * setup, the setups taking turns so that a change in the machine's load hits
 * them alike (medians over the rounds), against bench/trivial-upstream.ts:
 *   (a) the upstream, direct;
 *   (b) through an untraced @fastify/http-proxy;
 *   (c) through hopscope as `hopscope up` runs it: the proxy on its own
 *       thread, every span through the bounded span channel into a real hub;
 * with --in-process also (d), the proxy on the hub's thread (createProxy with
 * the hub's sink, as tests run it); with --against REV also (c) at git
 * revision REV (its proxy/src, bench/former-proxy.ts), into the same hub.
 * CPU time is this process's (hub, proxies' thread, @fastify/http-proxy: all
 * of them in it) divided by the requests served, so a loaded machine skews it
 * less than requests/s. Prints Markdown.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL = 0.95;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : (process.argv[at + 1] ?? '');
}

function row(r: Summary): string {
  const cpu = r.cpuMicros === undefined ? '–' : r.cpuMicros.toFixed(0);
  const events = r.countPerRequest === undefined ? '–' : r.countPerRequest.toFixed(2);
  return `| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} (${r.p99Low.toFixed(1)}–${r.p99High.toFixed(1)}) | ${cpu} | ${events} | ${r.errors} |`;
}

async function main(): Promise<void> {
  const against = option('--against');
  const upstream = await startUpstream();
  const plain = Fastify({ logger: false });
  await plain.register(httpProxy, { upstream: upstream.url });
  await plain.listen({ host: '127.0.0.1', port: 0 });
  const running = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [{ name: 'bench', url: upstream.url }] });
  const closers: (() => Promise<unknown>)[] = [];
  const spansReceived = async () => (await hubStats(running.hubUrl))?.hub.spansReceived ?? NaN;
  const setups: Setup[] = [
    { label: '(a) direct', url: `${upstream.url}/` },
    {
      label: '(b) @fastify/http-proxy, untraced',
      url: `http://127.0.0.1:${(plain.server.address() as { port: number }).port}/`,
      inThisProcess: true,
    },
    {
      label: '(c) hopscope, proxy on its own thread, tracing on',
      url: `${running.targets[0]!.proxy}/`,
      inThisProcess: true,
      count: spansReceived,
    },
  ];
  try {
    if (against !== undefined) {
      const group: ProxyGroup = (await formerProxyGroup(against || 'HEAD'))({ sink: running.hub.sink });
      closers.push(() => group.close());
      const proxy = await group.add({ target: 'before', upstream: upstream.url });
      running.hub.addTarget({ name: 'before', upstream: upstream.url, proxy: proxy.url });
      setups.push({ label: `(c) the same at ${against || 'HEAD'}`, url: `${proxy.url}/`, inThisProcess: true, count: spansReceived });
    }
    if (process.argv.includes('--in-process')) {
      const proxy: ProxyHandle = await createProxy({ target: 'in-process', upstream: upstream.url, sink: running.hub.sink });
      closers.push(() => proxy.close());
      running.hub.addTarget({ name: 'in-process', upstream: upstream.url, proxy: proxy.url });
      setups.push({ label: "(d) hopscope's proxy on the hub's thread", url: `${proxy.url}/`, inThisProcess: true, count: spansReceived });
    }
    const results = await inTurns(setups, { connections: CONNECTIONS, rounds: ROUNDS, seconds: SECONDS, warmupSeconds: 2 });
    const stats = await hubStats(running.hubUrl);
    console.log(
      `| wrk, ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s, loopback | requests/s | p50 ms | p99 ms (range) | CPU µs/request | span events to the hub per request | errors |`,
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of results) console.log(row(r));
    console.log('');
    const [, b, c] = results as [Summary, Summary, Summary];
    const ratio = c.rps / b.rps;
    console.log(
      `(c) / (b) throughput: ${ratio.toFixed(2)} (goal ≥ ${GOAL}: ${ratio >= GOAL ? 'met' : 'NOT met'}); p99 added over (b): ${(c.p99 - b.p99).toFixed(2)} ms.`,
    );
    console.log(
      `Hub: ${stats?.hub.spansReceived} spans received, ${stats?.hub.spansDropped} dropped, ${stats?.hub.proxyDropped} dropped by the proxies. Load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}.`,
    );
  } finally {
    for (const close of closers) await close().catch(() => {});
    await running.close();
    await plain.close();
    upstream.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
