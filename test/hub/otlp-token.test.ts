import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createHub, type Hub } from '@hopscope/server';
import { startHopscope } from '@hopscope/cli';
import type { Trace } from '@hopscope/shared';
import { request } from '../support/http';

const TOKEN = 'tok-3x4mple';
let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0, token: TOKEN });
});
afterAll(async () => hub?.close());
afterEach(() => {
  delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
});

function exportJson(path: string): string {
  const now = Date.now();
  const span = {
    traceId: 'd4'.repeat(16),
    spanId: 'e5'.repeat(8),
    name: 'GET',
    kind: 2,
    startTimeUnixNano: `${now}000000`,
    endTimeUnixNano: `${now + 2}000000`,
    attributes: [
      { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
      { key: 'url.path', value: { stringValue: path } },
    ],
  };
  return JSON.stringify({
    resourceSpans: [
      { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tok' } }] }, scopeSpans: [{ spans: [span] }] },
    ],
  });
}

async function storedPaths(): Promise<string[]> {
  const res = await request(`${hub.url}/api/traces?limit=100`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as Trace[]).map((t) => t.path);
}

describe('the OTLP port when the hub has a token', () => {
  it('refuses exports without the token or with a wrong one (401) and stores nothing from them', async () => {
    const post = (path: string, headers: Record<string, string>) =>
      request(hub.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: exportJson(path) });
    const none = await post('/no-token', {});
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error).toBe('HOPSCOPE_HUB_UNAUTHORIZED');
    expect((await post('/wrong-token', { authorization: 'Bearer nope' })).status).toBe(401);
    // The query-string token of the dashboard does not open the OTLP port: apps send a header.
    expect(
      (
        await request(`${hub.otlpUrl}?token=${TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: exportJson('/query-token'),
        })
      ).status,
    ).toBe(401);

    expect((await post('/with-token', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    await vi.waitFor(async () => expect(await storedPaths()).toContain('/with-token'), { timeout: 10_000 });
    expect(await storedPaths()).not.toContain('/no-token');
    expect(await storedPaths()).not.toContain('/wrong-token');
  });

  it('accepts the real OpenTelemetry SDK configured the standard way: OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20TOKEN', async () => {
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `authorization=Bearer%20${TOKEN}`;
    const exporter = new OTLPTraceExporter({ url: hub.otlpUrl });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'sdk' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const span = provider.getTracer('t').startSpan('GET', { attributes: { 'hopscope.hop': 'gateway', 'url.path': '/sdk-with-header' } });
    span.end();
    await provider.forceFlush();
    await vi.waitFor(async () => expect(await storedPaths()).toContain('/sdk-with-header'), { timeout: 10_000 });
    await provider.shutdown();
  });

  it('the built-in demo targets started with a token export their spans with it (measured app hops, not only Server-Timing)', async () => {
    const running = await startHopscope({ token: TOKEN, port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 1 });
    try {
      const dev = running.targets.find((t) => t.name === 'dev')!;
      await vi.waitFor(
        async () => {
          await fetch(`${dev.proxy}/items/7`).then((r) => r.text());
          const res = await request(`${running.hubUrl}/api/traces?limit=20`, { headers: { authorization: `Bearer ${TOKEN}` } });
          // The app's own spans arrive a little after the proxy's: any trace with a measured gateway will do.
          const gateways = (JSON.parse(res.body) as Trace[]).flatMap((t) => t.hops).filter((h) => h.hop === 'gateway');
          expect(gateways.map((h) => h.source)).toContain('measured');
        },
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      await running.close();
    }
  });
});
