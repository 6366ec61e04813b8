import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, SpanKind, trace as otelTrace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createHub, type Hub } from '@hopscope/server';
import { parseLiveMessage, type LiveMessage, type Trace } from '@hopscope/shared';
import { getJson } from '../support/http';

/**
 * The span tree in the API: every span of a trace on `GET /api/traces/:id`
 * and in live `trace` messages (valid by the wire schema), none in the
 * `GET /api/traces` summaries; spans of a big trace are neither lost nor
 * doubled when they are re-sent.
 */
let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: null });
});
afterAll(async () => hub?.close());

/** A SERVER span from the http instrumentation with `children` INTERNAL spans below it (template renders, say), from the real SDK. */
function sdkTrace(path: string, children: number) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'tree', 'telemetry.sdk.language': 'nodejs' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const server = provider
    .getTracer('@opentelemetry/instrumentation-http', '0.223.0')
    .startSpan(`GET ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': path } });
  const parent = otelTrace.setSpan(context.active(), server);
  for (let i = 0; i < children; i++) provider.getTracer('my-templates').startSpan(`render part ${i}`, {}, parent).end();
  server.end();
  return exporter.getFinishedSpans();
}

async function post(spans: ReturnType<typeof sdkTrace>) {
  const res = await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: ProtobufTraceSerializer.serializeRequest(spans)! as BodyInit,
  });
  expect(res.status).toBe(200);
}

describe('the span tree in the API', () => {
  it('GET /api/traces/:id has every span, nested by parent; the list has summaries without them', async () => {
    const spans = sdkTrace('/tree', 3);
    await post(spans);
    const traceId = spans[0]!.spanContext().traceId;
    const full = await getJson<Trace>(`${hub.url}/api/traces/${traceId}`);
    expect(full.spans).toHaveLength(4);
    const server = full.spans!.find((s) => s.hop === 'gateway')!;
    expect(full.spans!.filter((s) => s.parentSpanId === server.spanId).map((s) => s.scope)).toEqual([
      'my-templates',
      'my-templates',
      'my-templates',
    ]);
    const list = await getJson<Trace[]>(`${hub.url}/api/traces?limit=10`);
    const summary = list.find((t) => t.traceId === traceId)!;
    expect(summary.spans).toBeUndefined();
    expect({ ...summary, spans: full.spans }).toEqual(full);
  });

  it('live trace messages carry the span tree, valid by the wire schema', async () => {
    const messages: LiveMessage[] = [];
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/api/live`);
    ws.on('message', (data) => messages.push(parseLiveMessage(String(data))!));
    await vi.waitFor(() => expect(messages[0]?.type).toBe('hello'));
    const spans = sdkTrace('/live-tree', 2);
    await post(spans);
    const traceId = spans[0]!.spanContext().traceId;
    const live = await vi.waitFor(
      () => {
        const found = messages.find((m) => m?.type === 'trace' && m.trace.traceId === traceId);
        if (!found || found.type !== 'trace') throw new Error('no trace message yet');
        return found.trace;
      },
      { timeout: 10_000 },
    );
    ws.close();
    expect(live.spans?.map((s) => s.name).sort()).toEqual(['GET /live-tree', 'render part 0', 'render part 1']);
  });

  it('a trace of 200 spans keeps each once, also when the exporter sends them all again', async () => {
    const spans = sdkTrace('/big', 199);
    await post(spans);
    await post(spans);
    const full = await getJson<Trace>(`${hub.url}/api/traces/${spans[0]!.spanContext().traceId}`);
    expect(full.spans).toHaveLength(200);
    expect(new Set(full.spans!.map((s) => s.spanId)).size).toBe(200);
  });
});
