import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import httpProxy from '@fastify/http-proxy';
import { createProxy } from '@hopscope/proxy';
import { createHub } from '@hopscope/server';
import { runWrk, type WrkResult } from './wrk';

/**
 * `npm run bench`: requests/s and latency on loopback for
 *   (a) a minimal upstream, direct;
 *   (b) through an untraced @fastify/http-proxy;
 *   (c) through hopscope's proxy with tracing on, spans going into a real hub.
 * wrk at 50 connections, a warm-up before each measured run. Prints a
 * Markdown table for the README.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 3;

async function startUpstream(): Promise<{ url: string; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./trivial-upstream.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', () => reject(new Error('upstream exited')));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function measure(label: string, url: string): Promise<WrkResult & { label: string }> {
  await runWrk(url, { connections: CONNECTIONS, seconds: WARMUP_SECONDS });
  const result = await runWrk(url, { connections: CONNECTIONS, seconds: SECONDS });
  console.error(
    `${label}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, errors ${result.errors}`,
  );
  return { label, ...result };
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const plain = Fastify({ logger: false });
  await plain.register(httpProxy, { upstream: upstream.url });
  await plain.listen({ host: '127.0.0.1', port: 0 });
  const plainUrl = `http://127.0.0.1:${(plain.server.address() as { port: number }).port}`;
  const hub = await createHub({ port: 0, otlpPort: null });
  const traced = await createProxy({ target: 'bench', upstream: upstream.url, sink: hub.sink });
  try {
    const a = await measure('(a) direct', `${upstream.url}/`);
    const b = await measure('(b) @fastify/http-proxy, untraced', `${plainUrl}/`);
    const c = await measure('(c) hopscope proxy, tracing on', `${traced.url}/`);
    const stats = await fetch(`${hub.url}/api/stats`).then(
      (r) => r.json() as Promise<{ hub: { spansReceived: number; spansDropped: number } }>,
    );
    console.log(`| setup (wrk, ${CONNECTIONS} connections, ${SECONDS} s, loopback) | requests/s | p50 ms | p99 ms | errors |`);
    console.log('|---|---:|---:|---:|---:|');
    for (const r of [a, b, c])
      console.log(`| ${r.label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} |`);
    console.log('');
    console.log(
      `(c) / (b) throughput: ${((c.requestsPerSecond / b.requestsPerSecond) * 100).toFixed(0)}% (goal ≥ 85%); p99 added over (b): ${(c.p99Ms - b.p99Ms).toFixed(2)} ms (goal < 1 ms).`,
    );
    console.log(`Spans received by the hub during the run: ${stats.hub.spansReceived} (dropped ${stats.hub.spansDropped}).`);
  } finally {
    await traced.close();
    await hub.close();
    await plain.close();
    upstream.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
