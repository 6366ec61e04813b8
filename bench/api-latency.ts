import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createHub } from '@hopscope/server';
import { sdkBatch, SPANS_PER_BATCH } from './sdk-batches';

/**
 * `npx tsx bench/api-latency.ts [BATCHES]`: how long the hub's event loop is
 * held while it serves its largest answers from a full store. A hub in this
 * process is filled with BATCHES (default 10) OTLP exports of 4,000 real SDK
 * spans while the Record button records; then each large answer is fetched
 * (a few times) while perf_hooks.monitorEventLoopDelay samples the loop every
 * 1 ms: the longest delay is how long anything else waiting (a proxied
 * span's arrival, /api/stats, a dashboard's message) waited behind it.
 * Needs the built dashboard (npm run build:ui) for /api/export.html.
 */
const batches = Math.min(Math.max(Number(process.argv[2] ?? 10), 1), 50);
const ROUNDS = 3;
const uiDir = fileURLToPath(new URL('../ui/dist', import.meta.url));

const hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: null, uiDir });
const origin = { origin: hub.url, 'content-type': 'application/json' };
await fetch(`${hub.url}/api/recording`, { method: 'POST', headers: origin, body: '{"action":"start"}' });
for (let i = 0; i < batches; i++) {
  const body = ProtobufTraceSerializer.serializeRequest(sdkBatch(i))!;
  const answer = await fetch(hub.otlpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: body as BodyInit,
  });
  if (!answer.ok) throw new Error(`OTLP export answered ${answer.status}`);
}
await fetch(`${hub.url}/api/recording`, { method: 'POST', headers: origin, body: '{"action":"stop"}' });

async function fetchAll(path: string): Promise<number> {
  const answer = await fetch(`${hub.url}${path}`);
  if (!answer.ok) throw new Error(`${path} answered ${answer.status}`);
  return (await answer.arrayBuffer()).byteLength;
}

/** A dashboard opening: connect, take the greeting and the first statistics, then load the list as the page does. */
async function dashboardOpens(): Promise<number> {
  const socket = new WebSocket(`${hub.url.replace(/^http/, 'ws')}/api/live`, { origin: hub.url });
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      bytes += data.length;
      if (data.toString('utf8', 0, 20).includes('"stats"')) resolve();
    });
    socket.on('error', reject);
  });
  socket.close();
  return bytes + (await fetchAll('/api/traces?limit=1000'));
}

const cases: Array<[string, () => Promise<number>]> = [
  ['GET /api/traces?limit=1000', () => fetchAll('/api/traces?limit=1000')],
  ['GET /api/stats', () => fetchAll('/api/stats')],
  ['GET /api/recording.jsonl', () => fetchAll('/api/recording.jsonl')],
  ['GET /api/export.html', () => fetchAll('/api/export.html')],
  ['dashboard opens (/api/live + list)', dashboardOpens],
];
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
for (const [name, run] of cases) {
  let worstMs = 0;
  let totalMs = 0;
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    histogram.reset();
    const started = performance.now();
    bytes = await run();
    totalMs += performance.now() - started;
    worstMs = Math.max(worstMs, histogram.max / 1e6);
  }
  console.log(
    JSON.stringify({
      answer: name,
      traces: hub.store.size,
      bytes,
      meanMs: Math.round(totalMs / ROUNDS),
      maxLoopDelayMs: Number(worstMs.toFixed(1)),
    }),
  );
}
histogram.disable();
await hub.close();
