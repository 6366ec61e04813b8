import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import httpProxy from '@fastify/http-proxy';
import { startHopscope } from '@hopscope/cli';
import { createProxy } from '@hopscope/proxy';
import type { StatsSnapshot } from '@hopscope/shared';
import { runWrk, type WrkResult } from './wrk';

/**
 * `npx tsx bench/isolation.ts` (needs Debian's wrk and nginx): does the hub's
 * work show up as proxied latency? In one run on loopback, wrk at 2
 * connections against bench/trivial-upstream.ts directly, through hopscope's
 * proxy (its own thread, as `hopscope up` runs it) quiet and while
 * bench/hub-load.ts hammers the hub, and through a proxy on the hub's own
 * thread (how hopscope ran before) for contrast. Then throughput at
 * BENCH_CONNECTIONS (default 50) against an untraced @fastify/http-proxy and
 * nginx with one worker. Each wrk run is BENCH_SECONDS (default 10) after a
 * 2 s warm-up; the whole run takes about two minutes.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP_SECONDS = 2;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function child(file: string, args: string[]): ChildProcess {
  return fork(here(file), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
}

async function startUpstream(): Promise<{ url: string; port: number; stop: () => void }> {
  const upstream = child('./trivial-upstream.ts', []);
  const port = await new Promise<number>((resolve, reject) => {
    upstream.once('message', (m: { port: number }) => resolve(m.port));
    upstream.once('exit', () => reject(new Error('upstream exited')));
  });
  return { url: `http://127.0.0.1:${port}`, port, stop: () => upstream.kill() };
}

async function startNginx(upstreamPort: number): Promise<{ url: string; stop: () => void }> {
  const prefix = mkdtempSync(join(tmpdir(), 'hopscope-nginx-'));
  const probe = Fastify();
  await probe.listen({ host: '127.0.0.1', port: 0 });
  const port = (probe.server.address() as { port: number }).port;
  await probe.close();
  const config = readFileSync(here('./nginx.conf'), 'utf8')
    .replaceAll('UPSTREAM_PORT', String(upstreamPort))
    .replaceAll('LISTEN_PORT', String(port));
  writeFileSync(join(prefix, 'nginx.conf'), config);
  const nginx = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () => {
      nginx.kill('SIGQUIT');
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** The hub's /api/stats, or undefined when it does not answer 200 (a bench must not stop for one bad answer). */
async function hubStats(hubUrl: string): Promise<StatsSnapshot | undefined> {
  const response = await fetch(`${hubUrl}/api/stats`).catch(() => undefined);
  return response?.ok ? ((await response.json()) as StatsSnapshot) : undefined;
}

async function wrk(label: string, url: string, connections: number): Promise<WrkResult & { label: string }> {
  await runWrk(url, { connections, seconds: WARMUP_SECONDS });
  const result = await runWrk(url, { connections, seconds: SECONDS });
  console.error(
    `${label}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} / p99 ${result.p99Ms.toFixed(2)} / max ${result.maxMs.toFixed(1)} ms, errors ${result.errors}`,
  );
  return { label, ...result };
}

/** wrk through `url` while bench/hub-load.ts loads the hub (started first, and running until after wrk ends). */
async function underHubLoad(
  label: string,
  url: string,
  hubUrl: string,
  otlpUrl: string,
): Promise<WrkResult & { label: string; load: string }> {
  const received = async () => (await hubStats(hubUrl))?.hub.spansReceived ?? 0;
  const before = await received();
  const load = child('./hub-load.ts', [hubUrl, otlpUrl, String(SECONDS + WARMUP_SECONDS + 8)]);
  let output = '';
  load.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ended = new Promise((resolve) => load.once('exit', resolve));
  // Measure only once the load is on: the first OTLP batch has been ingested.
  for (let i = 0; i < 300 && (await received()) < before + 4000; i++) await new Promise((r) => setTimeout(r, 100));
  const result = await wrk(label, url, 2);
  await ended;
  return { ...result, load: output.trim().split('\n').at(-1) ?? '' };
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const running = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [{ name: 'app', url: upstream.url }] });
  const inProcess = await createProxy({ target: 'in-process', upstream: upstream.url, sink: running.hub.sink });
  running.hub.addTarget({ name: 'in-process', upstream: upstream.url, proxy: inProcess.url });
  const plain = Fastify({ logger: false });
  await plain.register(httpProxy, { upstream: upstream.url });
  await plain.listen({ host: '127.0.0.1', port: 0 });
  const plainUrl = `http://127.0.0.1:${(plain.server.address() as { port: number }).port}`;
  const nginx = await startNginx(upstream.port);
  const proxied = `${running.targets[0]!.proxy}/`;
  const otlp = running.otlpUrl;
  try {
    const direct = await wrk('direct', `${upstream.url}/`, 2);
    const quiet = await wrk('hopscope, quiet hub', proxied, 2);
    const loaded = await underHubLoad('hopscope, hub under load', proxied, running.hubUrl, otlp);
    const oldQuiet = await wrk('proxy on the hub thread, quiet hub', `${inProcess.url}/`, 2);
    const oldLoaded = await underHubLoad('proxy on the hub thread, hub under load', `${inProcess.url}/`, running.hubUrl, otlp);
    const fastify = await wrk('@fastify/http-proxy, untraced', `${plainUrl}/`, CONNECTIONS);
    const hopscope = await wrk('hopscope', proxied, CONNECTIONS);
    const nginxResult = await wrk('nginx, 1 worker', `${nginx.url}/`, CONNECTIONS);
    const stats = await hubStats(running.hubUrl);

    const row = (r: WrkResult & { label: string }) =>
      `| ${r.label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.maxMs.toFixed(1)} | ${r.errors} |`;
    console.log(`| wrk, 2 connections, ${SECONDS} s, loopback | requests/s | p50 ms | p99 ms | max ms | errors |`);
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of [direct, quiet, loaded, oldQuiet, oldLoaded]) console.log(row(r));
    console.log('');
    console.log(`| wrk, ${CONNECTIONS} connections, ${SECONDS} s, loopback | requests/s | p50 ms | p99 ms | max ms | errors |`);
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of [fastify, hopscope, nginxResult]) console.log(row(r));
    console.log('');
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const added = quiet.p50Ms - direct.p50Ms;
    const p99Bound = 3 * quiet.p99Ms + 3;
    console.log(`- proxied p50 − direct p50: ${added.toFixed(2)} ms (goal ≤ 0.5 ms: ${verdict(added <= 0.5)})`);
    console.log(
      `- under hub load: p99 ${loaded.p99Ms.toFixed(2)} ms against 3 × quiet p99 + 3 = ${p99Bound.toFixed(2)} ms (${verdict(loaded.p99Ms <= p99Bound)}); max ${loaded.maxMs.toFixed(1)} ms (goal ≤ 50 ms: ${verdict(loaded.maxMs <= 50)})`,
    );
    console.log(
      `- the same load with the proxy on the hub's thread: p99 ${oldLoaded.p99Ms.toFixed(2)} ms, max ${oldLoaded.maxMs.toFixed(1)} ms`,
    );
    const vsFastify = hopscope.requestsPerSecond / fastify.requestsPerSecond;
    const vsNginx = hopscope.requestsPerSecond / nginxResult.requestsPerSecond;
    console.log(
      `- throughput: ${vsFastify.toFixed(2)}× @fastify/http-proxy (goal ≥ 0.95: ${verdict(vsFastify >= 0.95)}), ${vsNginx.toFixed(2)}× nginx (goal ≥ 0.5: ${verdict(vsNginx >= 0.5)})`,
    );
    console.log(`- hub load, with hopscope's proxy: ${loaded.load}`);
    console.log(`- hub load, proxy on the hub thread: ${oldLoaded.load}`);
    console.log(
      `- hub: ${stats?.hub.spansReceived} spans received, ${stats?.hub.spansDropped} dropped, ${stats?.hub.proxyDropped} dropped by the proxies`,
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
