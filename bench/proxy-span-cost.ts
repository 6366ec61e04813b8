import type { IncomingMessage } from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { createHub, type Hub } from '@hopscope/server';
import { formerProxySource } from './former-proxy';
import { median } from './turns';

/**
 * `npx tsx bench/proxy-span-cost.ts [REV]`: the CPU time one request's spans
 * cost on their whole way, as `hopscope up` runs them: the SERVER and CLIENT
 * spans started with their attributes, Trace Context extracted and injected,
 * the response recorded, both ended; the SpanChannel batching them and
 * posting the batches through a MessagePort (structured clone out and in);
 * and a real hub ingesting each event as the proxy group's main-thread side
 * does. The working tree's proxy/src takes turns with git revision REV's
 * (default 7f5330a, the last before the channel coalesced starts into ends),
 * each with a hub of its own, 10 blocks of 10,000 requests each (about a minute), counting
 * CPU time (process.cpuUsage: both ends of the port are on this thread)
 * rather than wall time, so that a loaded machine skews both alike.
 * Forwarding itself is not included.
 */
const REV = process.argv[2] ?? '7f5330a';
const PER_BLOCK = 10_000;
const BLOCKS = 10;

/** Distinct callers' traces, so the hub stores separate traces as it does under load. */
const requests = Array.from(
  { length: 1024 },
  (_, i) =>
    ({
      method: 'GET',
      url: '/items/42?page=2&token=secret',
      httpVersion: '1.1',
      headers: {
        host: '127.0.0.1:8080',
        'user-agent': 'wrk',
        traceparent: `00-${(i + 1).toString(16).padStart(32, '4')}-00f067aa0ba902b7-01`,
      },
      socket: { remoteAddress: '127.0.0.1' },
    }) as unknown as IncomingMessage,
);
const upstream = new URL('http://127.0.0.1:5000');

interface SpanPath {
  label: string;
  /** Runs `count` requests' spans, then waits until the hub has taken every event posted. */
  run(count: number): Promise<void>;
  events: number;
  close(): Promise<void>;
}

/** The span path of the proxy/src in `dir`, into a hub of its own. */
async function spanPath(label: string, dir: string): Promise<SpanPath> {
  const load = (file: string) => import(pathToFileURL(dir + file).href);
  const [spans, exchange, tracing, channels, messages] = await Promise.all(
    ['spans.ts', 'exchange-start.ts', 'telemetry/tracer.ts', 'worker/span-channel.ts', 'worker/messages.ts'].map(load),
  );
  const hub: Hub = await createHub({ port: 0, otlpPort: null, otlpGrpcPort: null });
  const { port1, port2 } = new MessageChannel();
  let posted = 0;
  let taken = 0;
  // What proxy-group.ts does on the main thread: each event into the hub, then the acknowledgement.
  const wire = await load('worker/wire-span.ts').catch(() => undefined);
  const deliver: (message: Record<string, unknown[]>) => number = wire
    ? (message) => wire.deliver(message.spans, hub.sink)
    : // Before wire spans: [kind, SpanRecord] entries.
      (message) => {
        for (const [kind, span] of message.entries as [string, never][]) {
          if (kind === 'start') hub.sink.spanStarted(span);
          else hub.sink.spanEnded(span);
        }
        return message.entries!.length;
      };
  const channel = new channels.SpanChannel((message: Record<string, unknown[]>) => {
    posted += (message.spans ?? message.entries)!.length;
    port1.postMessage(message);
  }, messages.DEFAULT_CHANNEL_LIMITS);
  port2.on('message', (message: Record<string, unknown[]>) => {
    const count = deliver(message);
    taken += count;
    channel.acknowledge(count);
  });
  // The working tree's SpanChannel takes the SDK's spans; earlier ones took SpanRecords through privateTracer's sink.
  const tracer = tracing.privateTracerTo ? tracing.privateTracerTo(channel) : tracing.privateTracer(channel);
  const starter = { tracer, target: 'app' };
  const path: SpanPath = {
    label,
    events: 0,
    async run(count) {
      for (let i = 0; i < count; i++) {
        const request = requests[i % requests.length]!;
        const server = spans.startRequestSpan(request, starter, exchange.incomingContext(request));
        const client = spans.startUpstreamSpan(starter, server, 'GET', upstream, '');
        exchange.traceHeaders(client);
        spans.recordUpstreamResponse(client, 200, undefined);
        spans.recordResponseStatus(server, 200);
        spans.endSpan(client);
        spans.endSpan(server);
        // A turn of the event loop now and then, as the worker's own has between requests: batches cross and are acknowledged.
        if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
      }
      channel.flush();
      while (taken < posted) await new Promise((resolve) => setImmediate(resolve));
      path.events = posted;
    },
    async close() {
      port1.close();
      await hub.close();
    },
  };
  return path;
}

async function cpuMicrosPer(path: SpanPath): Promise<number> {
  const before = process.cpuUsage();
  await path.run(PER_BLOCK);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / PER_BLOCK;
}

const paths = [
  await spanPath('working tree', fileURLToPath(new URL('../proxy/src/', import.meta.url))),
  await spanPath(`${REV}`, formerProxySource(REV)),
];
for (let i = 0; i < 2; i++) for (const path of paths) await cpuMicrosPer(path); // warm-up: JIT both
const results = new Map(paths.map((p) => [p, [] as number[]]));
const eventsBefore = new Map(paths.map((p) => [p, p.events]));
for (let block = 0; block < BLOCKS; block++) for (const path of paths) results.get(path)!.push(await cpuMicrosPer(path));
console.log(`| spans of one request, into a real hub | CPU µs, median of ${BLOCKS} × ${PER_BLOCK} (range) | events per request |`);
console.log('|---|---:|---:|');
for (const path of paths) {
  const values = results.get(path)!;
  const events = (path.events - eventsBefore.get(path)!) / (BLOCKS * PER_BLOCK);
  console.log(
    `| ${path.label} | ${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}) | ${events.toFixed(2)} |`,
  );
}
console.log(
  `\nLoad average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}.`,
);
for (const path of paths) await path.close();
