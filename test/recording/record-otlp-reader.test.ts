import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import type { Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { readOtlpJson } from '../support/otlp-reader';
import { startUpstream } from '../support/upstream';
import { otelJson } from './otel-spans';

/**
 * `--record FILE` claims the OpenTelemetry Collector file exporter's format:
 * one OTLP/JSON ExportTraceServiceRequest per line. Read here by the
 * official generated classes (test/support/otlp-reader.ts), not by
 * hopscope's own decoder.
 */
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const spansOf = (request: Json): Json[] => request.resourceSpans.flatMap((r: Json) => r.scopeSpans.flatMap((s: Json) => s.spans));
const attribute = (span: Json, key: string) => span.attributes.find((a: Json) => a.key === key)?.value;

/** A finished gateway span from the official SDK: every kind of attribute value, an exception event, status ERROR. */
function appSpan(): ReadableSpan {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const span = provider.getTracer('test').startSpan('GET /from-sdk', {
    kind: SpanKind.SERVER,
    attributes: {
      'hopscope.hop': 'gateway',
      'url.path': '/from-sdk',
      'app.count': 42,
      'app.ratio': 1.5,
      'app.cached': true,
      'app.tags': ['a', 'b'],
    },
  });
  span.addEvent('exception', { 'exception.type': 'ValueError' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  span.end();
  return exporter.getFinishedSpans()[0]!;
}

describe('--record FILE read by a reader hopscope did not write', () => {
  let running: RunningHopscope;

  it('every line is an ExportTraceServiceRequest that reads back field for field, with the proxy and app spans in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hopscope-otlp-reader-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'session.jsonl');
    const upstream = await startUpstream((_req, res) => res.end('hello'));
    cleanups.push(upstream.close);
    running = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [{ name: 'app', url: upstream.url }], record: file });
    cleanups.push(() => running.close());

    await request(`${running.targets[0]!.proxy}/recorded?q=1`);
    // An app's span as the official JS SDK exports it, with every kind of attribute value, an event and an error.
    const gateway = appSpan();
    const posted = await request(running.otlpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: otelJson([gateway]),
    });
    expect(posted.status).toBe(200);
    await vi.waitFor(
      async () => {
        const paths = (await getJson<Trace[]>(`${running.hubUrl}/api/traces`)).filter((t) => !t.inFlight).map((t) => t.path);
        expect(paths).toEqual(expect.arrayContaining(['/recorded', '/from-sdk']));
      },
      { timeout: 10_000 },
    );
    await running.close();

    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    const decoded = lines.map((line) => {
      const written = JSON.parse(line) as Json;
      const read = readOtlpJson(written);
      // Everything hopscope wrote is a field of the schema, read back as the value it meant.
      expect(read).toMatchObject(written);
      return read;
    });
    const spans = decoded.flatMap(spansOf);

    const proxy = spans.find((s) => attribute(s, 'hopscope.hop')?.stringValue === 'proxy')!;
    const server = spans.find((s) => attribute(s, 'hopscope.hop')?.stringValue === 'server')!;
    expect(proxy).toMatchObject({ kind: 2, parentSpanId: '' });
    expect(server).toMatchObject({ kind: 3, traceId: proxy.traceId, parentSpanId: proxy.spanId });
    expect(attribute(proxy, 'url.path')).toEqual({ stringValue: '/recorded' });
    expect(attribute(proxy, 'http.response.status_code')).toEqual({ intValue: '200' });
    for (const span of [proxy, server]) expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));

    const app = spans.find((s) => s.spanId === gateway.spanContext().spanId)!;
    expect(app.traceId).toBe(gateway.spanContext().traceId);
    expect(app.status).toEqual({ code: 2, message: 'boom' });
    expect(attribute(app, 'app.count')).toEqual({ intValue: '42' });
    expect(attribute(app, 'app.ratio')).toEqual({ doubleValue: 1.5 });
    expect(attribute(app, 'app.cached')).toEqual({ boolValue: true });
    expect(attribute(app, 'app.tags')).toEqual({ arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
    expect(app.events.map((e: Json) => [e.name, attribute(e, 'exception.type')])).toEqual([['exception', { stringValue: 'ValueError' }]]);
    // Nanoseconds since the epoch, to the microsecond hopscope keeps.
    const startNs = BigInt(gateway.startTime[0]) * 1_000_000_000n + BigInt(gateway.startTime[1]);
    expect(Number(BigInt(app.startTimeUnixNano) - startNs)).toBeLessThan(1_000);
    expect(Number(BigInt(app.startTimeUnixNano) - startNs)).toBeGreaterThan(-1_000);
    const appResource = decoded
      .flatMap((r) => r.resourceSpans as Json[])
      .find((r: Json) => r.scopeSpans.some((s: Json) => s.spans.includes(app)));
    expect(attribute(appResource!.resource, 'service.name')).toEqual({ stringValue: 'shop' });
  });
});
