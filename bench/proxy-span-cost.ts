import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SpanRecord, SpanSink } from '@hopscope/shared';
import { incomingContext, traceHeaders } from '../proxy/src/exchange-start';
import { endSpan, recordResponseStatus, recordUpstreamResponse, startRequestSpan, startUpstreamSpan } from '../proxy/src/spans';
import { privateTracer } from '../proxy/src/telemetry/tracer';

/**
 * `npx tsx bench/proxy-span-cost.ts [REV]`: the CPU time the proxy spends on
 * one request's spans (SERVER + CLIENT: start, attributes, Trace Context in and
 * out, end, both handed to the live sink), now with the OpenTelemetry SDK,
 * against the hand-built SpanRecords of git revision REV (default 3f82e38,
 * the last before the SDK), whose spans.ts is taken from git as it was. The
 * two take turns in blocks, and CPU time (process.cpuUsage) is counted rather
 * than wall time, so that a loaded machine skews them alike. Forwarding itself
 * is not included: this is the part tracing adds to each request.
 */
const REV = process.argv[2] ?? '3f82e38';
const PER_BLOCK = 20_000;
const BLOCKS = 10;

const request = {
  method: 'GET',
  url: '/items/42?page=2&token=secret',
  httpVersion: '1.1',
  headers: { host: '127.0.0.1:8080', 'user-agent': 'wrk', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  socket: { remoteAddress: '127.0.0.1' },
} as unknown as IncomingMessage;
const upstream = new URL('http://127.0.0.1:5000');

/** Like the SpanChannel: events are kept in a batch of 512, then let go. */
function batchingSink(): SpanSink {
  let batch: SpanRecord[] = [];
  const take = (span: SpanRecord) => {
    batch.push(span);
    if (batch.length >= 512) batch = [];
  };
  return { spanStarted: take, spanEnded: take } as SpanSink;
}

function sdkRequest(starter: { tracer: ReturnType<typeof privateTracer>; target: string }): void {
  const server = startRequestSpan(request, starter, incomingContext(request));
  const client = startUpstreamSpan(starter, server, 'GET', upstream, '');
  traceHeaders(client);
  recordUpstreamResponse(client, 200, undefined);
  recordResponseStatus(server, 200);
  endSpan(client);
  endSpan(server);
}

/** The former spans.ts, as git has it, in a directory from which @hopscope/shared still resolves. */
async function formerRequest(): Promise<() => void> {
  const dir = fileURLToPath(new URL('../node_modules/.cache/hopscope-bench-former/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  for (const file of ['spans.ts', 'clock.ts', 'ids.ts'])
    writeFileSync(dir + file, execFileSync('git', ['show', `${REV}:proxy/src/${file}`], { encoding: 'utf8' }));
  const former = await import(pathToFileURL(dir + 'spans.ts').href);
  const shared = await import('@hopscope/shared');
  const sink = batchingSink();
  return () => {
    const parent = shared.parseTraceparent(request.headers.traceparent);
    const server = former.startRequestSpan(request, 'app', parent?.traceId, parent?.parentSpanId);
    former.safely(sink, 'spanStarted', server);
    const client = former.startUpstreamSpan(server, upstream);
    former.safely(sink, 'spanStarted', client);
    shared.formatTraceparent(server.traceId, client.spanId);
    former.recordUpstreamResponse(client, 200, undefined);
    former.recordResponseStatus(server, 200);
    former.endSpan(sink, client);
    former.endSpan(sink, server);
  };
}

function cpuMicrosPer(run: () => void): number {
  const before = process.cpuUsage();
  for (let i = 0; i < PER_BLOCK; i++) run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / PER_BLOCK;
}

const starter = { tracer: privateTracer(batchingSink()), target: 'app' };
const sdk = () => sdkRequest(starter);
const former = await formerRequest();
for (let i = 0; i < 3; i++) (cpuMicrosPer(sdk), cpuMicrosPer(former)); // warm-up: JIT both
const results = { sdk: [] as number[], former: [] as number[] };
for (let block = 0; block < BLOCKS; block++) {
  results.sdk.push(cpuMicrosPer(sdk));
  results.former.push(cpuMicrosPer(former));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`| spans of one request | CPU µs, median of ${BLOCKS} × ${PER_BLOCK} (range) |`);
console.log('|---|---:|');
for (const [label, values] of [
  ['OpenTelemetry SDK (now)', results.sdk],
  [`hand-built SpanRecords (${REV})`, results.former],
] as const)
  console.log(`| ${label} | ${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}) |`);
