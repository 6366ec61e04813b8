import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { context, SpanStatusCode, trace as otelTrace } from '@opentelemetry/api';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot, Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';

let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0, maxTraces: 5, maxOtlpBytes: 64 * 1024 });
});
afterAll(async () => hub?.close());

/** Real spans from the real OpenTelemetry SDK, as an instrumented app would make them. */
function sdkSpans(path: string): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop', 'process.pid': 4242 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  const gateway = tracer.startSpan('GET /items', {
    kind: 1,
    attributes: { 'hopscope.hop': 'gateway', 'url.path': path, 'http.request.method': 'GET' },
  });
  const view = tracer.startSpan('view', { attributes: { 'hopscope.hop': 'view' } }, otelTrace.setSpan(context.active(), gateway));
  view.recordException(new TypeError('boom <script>'));
  view.setStatus({ code: SpanStatusCode.ERROR });
  view.end();
  gateway.setAttribute('http.response.status_code', 500);
  gateway.end();
  return exporter.getFinishedSpans();
}

async function post(body: string | Uint8Array, contentType: string, extra: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    fetch(hub.otlpUrl, { method: 'POST', body: body as BodyInit, headers: { 'content-type': contentType, ...extra } })
      .then(async (res) => resolve({ status: res.status, body: await res.text() }))
      .catch(reject);
  });
}

async function traceWithPath(path: string): Promise<Trace> {
  return vi.waitFor(async () => {
    const traces = await getJson<Trace[]>(`${hub.url}/api/traces?limit=50`);
    const trace = traces.find((t) => t.path === path);
    if (!trace) throw new Error('not stored yet');
    return trace;
  });
}

describe('OTLP/HTTP receiver', () => {
  it('stores protobuf exports from the real OpenTelemetry serializer, exception and all', async () => {
    const body = ProtobufTraceSerializer.serializeRequest(sdkSpans('/proto'))!;
    const res = await post(body, 'application/x-protobuf');
    expect(res.status).toBe(200);
    const trace = await traceWithPath('/proto');
    expect(trace.hops.map((h) => h.hop)).toEqual(['gateway', 'view']);
    expect(trace.worker).toBe('4242');
    expect(trace.status).toBe(500);
    const view = trace.hops.find((h) => h.hop === 'view')!;
    expect(view.error).toMatchObject({ type: 'TypeError', message: 'boom <script>' });
    expect(view.error?.stack).toContain('TypeError');
  });

  it('stores JSON exports, also gzipped', async () => {
    const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans('/json-gzip'))!);
    const res = await post(gzipSync(json), 'application/json; charset=utf-8', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({});
    expect((await traceWithPath('/json-gzip')).target).toBe('shop');
  });

  it('refuses a wrong content type (415), garbage (400) and a decompression bomb (413), and keeps serving', async () => {
    expect((await post('hello', 'text/plain')).status).toBe(415);
    const bad = await post('{"resourceSpans": 7}', 'application/json');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toBe('HOPSCOPE_HUB_BAD_OTLP');
    expect((await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff]), 'application/x-protobuf')).status).toBe(400);
    expect((await post(gzipSync(Buffer.alloc(1024 * 1024, 32)), 'application/json', { 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await request(hub.otlpUrl)).status).toBe(405);
    // The next valid export is stored.
    const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans('/after-bad'))!);
    expect((await post(json, 'application/json')).status).toBe(200);
    await traceWithPath('/after-bad');
  });

  it('an empty request is fine', async () => {
    expect((await post('', 'application/json')).status).toBe(200);
  });

  it('keeps a bounded window and counts evictions in /api/stats', async () => {
    for (let i = 0; i < 8; i++) {
      const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans(`/evict-${i}`))!);
      await post(json, 'application/json');
    }
    const traces = await getJson<Trace[]>(`${hub.url}/api/traces?limit=100`);
    expect(traces.length).toBe(5);
    expect(traces[0]!.path).toBe('/evict-7');
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.tracesEvicted).toBeGreaterThanOrEqual(3);
    expect(stats.hub.tracesStored).toBe(5);
  });
});

describe('hub security', () => {
  it('refuses foreign Host headers (DNS rebinding) and foreign Origins on state-changing requests', async () => {
    const foreignHost = await request(`${hub.url}/api/traces`, { headers: { host: 'attacker.example' } });
    expect(foreignHost.status).toBe(403);
    const foreignOrigin = await request(`${hub.url}/v1/traces`, {
      method: 'POST',
      headers: { origin: 'http://attacker.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.headers['access-control-allow-origin']).toBeUndefined();
    expect((await request(`${hub.url}/api/targets`)).status).toBe(200);
  });

  it('the plain trace page escapes what comes from spans', async () => {
    const exporter = sdkSpans('/<img src=x onerror=alert(1)>');
    await post(ProtobufTraceSerializer.serializeRequest(exporter)!, 'application/x-protobuf');
    await traceWithPath('/<img src=x onerror=alert(1)>');
    const page = await request(`${hub.url}/`);
    expect(page.body).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(page.body).not.toContain('<img src=x');
  });
});
