import { loadavg } from 'node:os';
import Fastify from 'fastify';
import httpProxy from '@fastify/http-proxy';
import { startHopscope } from '@hopscope/cli';
import { createProxy } from '@hopscope/proxy';
import { hubStats, startHubLoad, startNginx, startUpstream } from './bench-servers';
import { inTurns as inTurnsOf, type Setup, type Summary } from './turns';

/**
 * `npx tsx bench/isolation.ts` (needs Debian's wrk and nginx): does the hub's
 * work show up as proxied latency, and what does tracing cost? On loopback,
 * against bench/trivial-upstream.ts:
 *   1. wrk at 2 connections: direct, through hopscope's proxy (its own
 *      thread, as `hopscope up` runs it), through a proxy on the hub's thread
 *      (how hopscope ran before), the hub quiet;
 *   2. the same two proxies while bench/hub-load.ts loads the hub;
 *   3. throughput at BENCH_CONNECTIONS (default 50): an untraced
 *      @fastify/http-proxy, hopscope, nginx with one worker.
 * Each setup runs BENCH_ROUNDS (default 3) times BENCH_SECONDS (default 5),
 * the setups of a step taking turns so that a change in the machine's load
 * hits them alike; reported: median requests/s, p50 and p99 over the rounds
 * (with the p99's range), and the largest max. About three minutes.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP_SECONDS = 2;
const inTurns = (setups: Setup[], connections: number) =>
  inTurnsOf(setups, { connections, rounds: ROUNDS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS });

function table(title: string, rows: Summary[]): string {
  const line = (r: Summary) =>
    `| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} (${r.p99Low.toFixed(1)}–${r.p99High.toFixed(1)}) | ${r.max.toFixed(1)} | ${r.errors} |`;
  return [
    `| ${title} | requests/s | p50 ms | p99 ms (range) | max ms | errors |`,
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const running = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [{ name: 'app', url: upstream.url }] });
  const inProcess = await createProxy({ target: 'in-process', upstream: upstream.url, sink: running.hub.sink });
  running.hub.addTarget({ name: 'in-process', upstream: upstream.url, proxy: inProcess.url });
  const plain = Fastify({ logger: false });
  await plain.register(httpProxy, { upstream: upstream.url });
  await plain.listen({ host: '127.0.0.1', port: 0 });
  const nginx = await startNginx(upstream.port);
  const hopscope = { label: 'hopscope (proxies on their own thread)', url: `${running.targets[0]!.proxy}/` };
  const onHubThread = { label: 'proxy on the hub thread (before)', url: `${inProcess.url}/` };
  try {
    const quiet = await inTurns([{ label: 'direct', url: `${upstream.url}/` }, hopscope, onHubThread], 2);
    const loadSeconds = 2 * (ROUNDS * SECONDS + WARMUP_SECONDS) + 10;
    const load = await startHubLoad(running.hubUrl, running.otlpUrl, loadSeconds);
    const loaded = await inTurns(
      [
        { ...hopscope, label: `${hopscope.label}, hub under load` },
        { ...onHubThread, label: `${onHubThread.label}, hub under load` },
      ],
      2,
    );
    const loadSummary = await load.ended;
    const plainUrl = `http://127.0.0.1:${(plain.server.address() as { port: number }).port}/`;
    const throughput = await inTurns(
      [{ label: '@fastify/http-proxy, untraced', url: plainUrl }, hopscope, { label: 'nginx, 1 worker', url: `${nginx.url}/` }],
      CONNECTIONS,
    );
    const stats = await hubStats(running.hubUrl);

    console.log(table(`wrk, 2 connections, ${ROUNDS} × ${SECONDS} s`, [...quiet, ...loaded]));
    console.log('');
    console.log(table(`wrk, ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s`, throughput));
    console.log('');
    const [direct, quietHopscope] = quiet as [Summary, Summary, Summary];
    const [loadedHopscope, loadedBefore] = loaded as [Summary, Summary];
    const [fastify, traced, nginxResult] = throughput as [Summary, Summary, Summary];
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const added = quietHopscope.p50 - direct.p50;
    const p99Bound = 3 * quietHopscope.p99 + 3;
    const vsFastify = traced.rps / fastify.rps;
    const vsNginx = traced.rps / nginxResult.rps;
    console.log(`- proxied p50 − direct p50: ${added.toFixed(2)} ms (goal ≤ 0.5 ms: ${verdict(added <= 0.5)})`);
    console.log(
      `- under hub load: p99 ${loadedHopscope.p99.toFixed(2)} ms against 3 × quiet p99 + 3 = ${p99Bound.toFixed(2)} ms (${verdict(loadedHopscope.p99 <= p99Bound)}); max ${loadedHopscope.max.toFixed(1)} ms (goal ≤ 50 ms: ${verdict(loadedHopscope.max <= 50)})`,
    );
    console.log(
      `- the same load with the proxy on the hub's thread: p99 ${loadedBefore.p99.toFixed(2)} ms, max ${loadedBefore.max.toFixed(1)} ms`,
    );
    console.log(
      `- throughput: ${vsFastify.toFixed(2)}× @fastify/http-proxy (goal ≥ 0.95: ${verdict(vsFastify >= 0.95)}), ${vsNginx.toFixed(2)}× nginx (goal ≥ 0.5: ${verdict(vsNginx >= 0.5)})`,
    );
    console.log(`- hub load generated: ${loadSummary}`);
    console.log(
      `- hub: ${stats?.hub.spansReceived} spans received, ${stats?.hub.spansDropped} dropped, ${stats?.hub.proxyDropped} dropped by the proxies`,
    );
    console.log(
      `- machine load average at the end: ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    nginx.stop();
    await plain.close();
    await inProcess.close();
    await running.close();
    upstream.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
