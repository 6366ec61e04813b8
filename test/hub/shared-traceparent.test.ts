import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createHub, type Hub } from '@hopscope/server';
import { createProxy, type ProxyHandle } from '@hopscope/proxy';
import type { LiveMessage, StatsSnapshot, Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { startUpstream } from '../support/upstream';

// Load tools, retries and fixtures send many requests with one traceparent: each is still its own request.
let hub: Hub;
let okApp: Awaited<ReturnType<typeof startUpstream>>;
let badApp: Awaited<ReturnType<typeof startUpstream>>;
let okProxy: ProxyHandle;
let badProxy: ProxyHandle;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The gateway span an instrumented app exports: a child of the span the proxy named in its traceparent, with its worker. */
function gatewayExport(traceparent: string, path: string, worker: string): string {
  const [, traceId, parentSpanId] = traceparent.split('-');
  const now = Date.now();
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ok-app' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: hex(8),
                parentSpanId,
                name: `GET ${path}`,
                kind: 2,
                startTimeUnixNano: `${now}000000`,
                endTimeUnixNano: `${now + 1}000000`,
                attributes: [
                  { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
                  { key: 'hopscope.worker', value: { stringValue: worker } },
                  { key: 'url.path', value: { stringValue: path } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0 });
  okApp = await startUpstream((req, res) => {
    const path = req.url ?? '/';
    const body = gatewayExport(String(req.headers.traceparent), path, path.split('/').at(-1)!);
    void request(hub.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(() => res.end('ok'));
  });
  badApp = await startUpstream((_req, res) => res.writeHead(500).end('boom'));
  okProxy = await createProxy({ target: 'ok', upstream: okApp.url, sink: hub.sink, port: 0 });
  badProxy = await createProxy({ target: 'bad', upstream: badApp.url, sink: hub.sink, port: 0 });
  hub.addTarget({ name: 'ok', upstream: okApp.url, proxy: okProxy.url });
  hub.addTarget({ name: 'bad', upstream: badApp.url, proxy: badProxy.url });
});
afterAll(async () => {
  await hub?.close();
  await okProxy?.close();
  await badProxy?.close();
  await okApp?.close();
  await badApp?.close();
});

describe('requests that share one traceparent', () => {
  it('are each their own request in the stats, the list, the API and the live stream; app spans join their own request', async () => {
    const traceId = hex(16);
    const traceparent = `00-${traceId}-${hex(8)}-01`;
    const live = new WebSocket(`${hub.url.replace('http', 'ws')}/api/live`);
    const liveIds = new Set<string>();
    live.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as LiveMessage;
      if (message.type === 'trace' && message.trace.path.startsWith('/bad/')) liveIds.add(message.trace.traceId);
    });
    await new Promise((resolve) => live.once('open', resolve));

    for (let i = 0; i < 50; i++) expect((await request(`${badProxy.url}/bad/${i}`, { headers: { traceparent } })).status).toBe(500);
    for (let i = 0; i < 10; i++) expect((await request(`${okProxy.url}/ok/${i}`, { headers: { traceparent } })).status).toBe(200);

    await vi.waitFor(
      async () => {
        const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
        expect(stats.targets.bad).toMatchObject({ requests: 50, errors: 50 });
        expect(stats.targets.ok).toMatchObject({ requests: 10, errors: 0 });
      },
      { timeout: 15_000, interval: 100 },
    );
    const traces = await getJson<Trace[]>(`${hub.url}/api/traces?limit=1000`);
    const ours = traces.filter((t) => t.traceId.startsWith(traceId));
    expect(ours).toHaveLength(60);
    expect(new Set(ours.map((t) => t.traceId)).size).toBe(60);
    expect(ours.filter((t) => t.target === 'bad' && t.status === 500)).toHaveLength(50);
    // Each app span joined the request it answered, not the first one of the trace.
    await vi.waitFor(
      async () => {
        const oks = (await getJson<Trace[]>(`${hub.url}/api/traces?limit=1000&target=ok`)).filter((t) => t.traceId.startsWith(traceId));
        expect(oks.map((t) => [t.path, t.worker, t.hops.map((h) => h.hop).join(' ')]).sort()).toEqual(
          Array.from({ length: 10 }, (_, i) => [`/ok/${i}`, String(i), 'proxy server queue gateway']).sort(),
        );
      },
      { timeout: 15_000, interval: 100 },
    );
    // Every id the list gives opens that one request.
    for (const trace of ours.slice(0, 5)) {
      const one = await getJson<Trace>(`${hub.url}/api/traces/${trace.traceId}`);
      expect(one.path).toBe(trace.path);
    }
    await vi.waitFor(() => expect(liveIds.size).toBe(50), { timeout: 15_000, interval: 100 });
    live.close();
  });

  it('a proxy run apart (its CLIENT span exported before its SERVER span, app spans first) still gives one request each', async () => {
    const traceId = hex(16);
    const now = Date.now();
    const span = (spanId: string, parentSpanId: string | undefined, kind: number, hop: string, path: string) => ({
      traceId,
      spanId,
      ...(parentSpanId ? { parentSpanId } : {}),
      name: `${hop} ${path}`,
      kind,
      startTimeUnixNano: `${now}000000`,
      endTimeUnixNano: `${now + 3}000000`,
      attributes: [
        { key: 'hopscope.hop', value: { stringValue: hop } },
        { key: 'hopscope.target', value: { stringValue: 'apart' } },
        { key: 'url.path', value: { stringValue: path } },
        { key: 'hopscope.worker', value: { stringValue: path } },
      ],
    });
    const requests = [0, 1, 2].map((i) => ({ proxy: hex(8), server: hex(8), gateway: hex(8), path: `/apart/${i}` }));
    const spans = [
      ...requests.map((r) => span(r.gateway, r.server, 2, 'gateway', r.path)),
      ...requests.map((r) => span(r.server, r.proxy, 3, 'server', r.path)),
      ...requests.map((r) => span(r.proxy, 'feedfacefeedface', 2, 'proxy', r.path)),
    ];
    const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });
    expect((await request(hub.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(200);
    const traces = (await getJson<Trace[]>(`${hub.url}/api/traces?limit=1000`)).filter((t) => t.traceId.startsWith(traceId));
    expect(traces.map((t) => [t.path, t.worker, t.hops.map((h) => h.hop).join(' ')]).sort()).toEqual(
      requests.map((r) => [r.path, r.path, 'proxy server queue gateway']).sort(),
    );
  });

  it('log records go with the request whose span wrote them', async () => {
    const traceId = hex(16);
    const now = Date.now();
    const span = (spanId: string, parentSpanId: string, kind: number, hop: string, path: string) => ({
      traceId,
      spanId,
      parentSpanId,
      name: `${hop} ${path}`,
      kind,
      startTimeUnixNano: `${now}000000`,
      endTimeUnixNano: `${now + 3}000000`,
      attributes: [
        { key: 'hopscope.hop', value: { stringValue: hop } },
        { key: 'url.path', value: { stringValue: path } },
      ],
    });
    const requests = [0, 1].map((i) => ({ proxy: hex(8), server: hex(8), gateway: hex(8), path: `/logged/${i}` }));
    const spans = requests.flatMap((r) => [
      span(r.proxy, 'feedfacefeedface', 2, 'proxy', r.path),
      span(r.server, r.proxy, 3, 'server', r.path),
      span(r.gateway, r.server, 2, 'gateway', r.path),
    ]);
    const post = (path: string, body: object) =>
      request(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/traces', { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] })).status).toBe(200);
    const logRecords = requests.map((r) => ({
      timeUnixNano: `${now + 1}000000`,
      severityText: 'INFO',
      body: { stringValue: `written in ${r.path}` },
      traceId,
      spanId: r.gateway,
    }));
    expect((await post('/v1/logs', { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] })).status).toBe(200);
    const listed = (await getJson<Trace[]>(`${hub.url}/api/traces?limit=1000`)).filter((t) => t.traceId.startsWith(traceId));
    expect(listed).toHaveLength(2);
    for (const summary of listed) {
      const trace = await getJson<Trace>(`${hub.url}/api/traces/${summary.traceId}`);
      expect(trace.logs?.map((l) => l.body)).toEqual([`written in ${trace.path}`]);
    }
  });
});
