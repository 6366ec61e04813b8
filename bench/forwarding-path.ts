import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SpanRecord, SpanSink } from '@hopscope/shared';
import { createProxy } from '../proxy/src/create-proxy';
import { startNginx, startUpstream } from './bench-servers';
import { inTurns, type Summary } from './turns';

/**
 * `npx tsx bench/forwarding-path.ts [REV]` (needs Debian's wrk and nginx):
 * the proxy's CPU time per forwarded request and its throughput, the working
 * tree's proxy/src against git revision REV's (default 9a4060b, the last
 * before the forwarding path was reworked), both in this process, in front of
 * bench/trivial-upstream.ts, with nginx (one worker) as the yardstick. The
 * setups take turns (bench/turns.ts) and CPU time is counted
 * (process.cpuUsage: this process only; wrk, the upstream and nginx are
 * other processes), so a loaded machine skews them alike. Spans are made and
 * handed to a batching sink, as the proxies' thread does. BENCH_CONNECTIONS
 * (default 50), BENCH_ROUNDS (4), BENCH_SECONDS (5): about 70 s.
 */
const REV = process.argv[2] ?? '9a4060b';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Like the SpanChannel: events are kept in a batch of 512, then let go. */
function batchingSink(): SpanSink {
  let batch: SpanRecord[] = [];
  const take = (span: SpanRecord) => {
    batch.push(span);
    if (batch.length >= 512) batch = [];
  };
  return { spanStarted: take, spanEnded: take } as SpanSink;
}

/** REV's proxy/src, extracted where @hopscope/shared and the proxy's dependencies still resolve. */
async function formerCreateProxy(): Promise<typeof createProxy> {
  const root = fileURLToPath(new URL('../node_modules/.cache/hopscope-bench-forwarding/', import.meta.url));
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const archive = execFileSync('git', ['archive', REV, 'proxy/src']);
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  const former = (await import(pathToFileURL(`${root}proxy/src/create-proxy.ts`).href)) as { createProxy: typeof createProxy };
  return former.createProxy;
}

function row(r: Summary): string {
  const cpu = r.cpuMicros === undefined ? '—' : r.cpuMicros.toFixed(0);
  return `| ${r.label} | ${cpu} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} |`;
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const nginx = await startNginx(upstream.port);
  const former = await (await formerCreateProxy())({ target: 'former', upstream: upstream.url, sink: batchingSink() });
  const now = await createProxy({ target: 'now', upstream: upstream.url, sink: batchingSink() });
  try {
    const rows = await inTurns(
      [
        { label: `proxy at ${REV}`, url: `${former.url}/`, inThisProcess: true },
        { label: 'proxy now', url: `${now.url}/`, inThisProcess: true },
        { label: 'nginx, 1 worker', url: `${nginx.url}/` },
      ],
      { connections: CONNECTIONS, rounds: ROUNDS, seconds: SECONDS, warmupSeconds: 2 },
    );
    console.log(
      `load average (1, 5, 15 min) at the end: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `| ${CONNECTIONS} connections, median of ${ROUNDS} × ${SECONDS} s | CPU µs/request | requests/s | p50 ms | p99 ms | errors |`,
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(row(r));
    const [before, after, reference] = rows as [Summary, Summary, Summary];
    console.log(
      `\nthroughput now ${(after.rps / before.rps).toFixed(2)}× ${REV}; ${(after.rps / reference.rps).toFixed(2)}× nginx (was ${(before.rps / reference.rps).toFixed(2)}×)`,
    );
  } finally {
    await former.close();
    await now.close();
    nginx.stop();
    upstream.stop();
  }
}

await main();
