import { afterEach, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot, Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';

// The window is bounded by bytes as well as by traces: spans are cut to size on arrival (with a marker, counted),
// the store evicts its oldest traces past its byte bound, and one /api/traces answer is built from a bounded amount.
let hub: Hub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** An OTLP JSON export of one gateway span per trace, each with these extra string attributes and events. */
function exportOf(traces: number, attributes: Record<string, string>, events = 0, first = 0): string {
  const now = Date.now();
  const spans = [];
  for (let i = first; i < first + traces; i++) {
    spans.push({
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      name: `GET /big/${i}`,
      kind: 2,
      startTimeUnixNano: `${now}000000`,
      endTimeUnixNano: `${now + 5}000000`,
      attributes: [
        { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
        { key: 'url.path', value: { stringValue: `/big/${i}` } },
        ...Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
      ],
      events: Array.from({ length: events }, (_, e) => ({
        name: `event ${e}`,
        timeUnixNano: `${now + 1}000000`,
        attributes: [{ key: 'detail', value: { stringValue: 'e'.repeat(4096) } }],
      })),
    });
  }
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'big' } }] }, scopeSpans: [{ spans }] }],
  });
}

async function post(body: string): Promise<void> {
  const res = await request(`${hub!.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status).toBe(200);
}

describe('span size caps on arrival', () => {
  it('an 8 MiB attribute is kept as its first 16 Ki characters and a marker; 300 events of 4 KiB stay within the span’s total; counted in hub health', async () => {
    hub = await createHub({ port: 0, otlpPort: null });
    await post(exportOf(1, { 'app.blob': 'x'.repeat(8 * 1024 * 1024) }, 300));
    const trace = await getJson<Trace>(`${hub.url}/api/traces/${hex(1, 32)}`);
    const gateway = trace.hops.find((h) => h.hop === 'gateway')!;
    const blob = String(gateway.attributes['app.blob']);
    expect(blob.length).toBeLessThan(17 * 1024);
    expect(blob.startsWith('x'.repeat(16 * 1024))).toBe(true);
    expect(blob).toMatch(/…\[\d+ more characters cut by hopscope\]$/);
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.spansTruncated).toBe(1);
    expect(stats.hub.storeBytes).toBeLessThan(1024 * 1024);
  });

  it('twelve exports with an 8 MiB attribute each leave the window at kilobytes per span, not 96 MiB', async () => {
    hub = await createHub({ port: 0, otlpPort: null });
    const blob = 'y'.repeat(8 * 1024 * 1024);
    for (let i = 0; i < 12; i++) await post(exportOf(1, { 'app.blob': blob }, 0, i));
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.tracesStored).toBe(12);
    expect(stats.hub.spansTruncated).toBe(12);
    expect(stats.hub.storeBytes).toBeLessThan(12 * 200 * 1024);
  }, 120_000);
});

describe('the window is bounded by bytes', () => {
  it('past maxStoreBytes the oldest traces are evicted and counted; the newest stay', async () => {
    hub = await createHub({ port: 0, otlpPort: null, maxStoreBytes: 4 * 1024 * 1024 });
    // 60 spans of ~4 × 16 Ki characters each: about 8 MiB estimated, twice the bound.
    const attributes = Object.fromEntries([0, 1, 2, 3].map((k) => [`app.a${k}`, String(k).repeat(16 * 1024)]));
    for (let batch = 0; batch < 6; batch++) await post(exportOf(10, attributes, 0, batch * 10));
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.storeBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(stats.hub.tracesEvicted).toBeGreaterThan(0);
    expect(stats.hub.tracesStored + stats.hub.tracesEvicted).toBe(60);
    expect((await request(`${hub.url}/api/traces/${hex(60, 32)}`)).status).toBe(200);
    expect((await request(`${hub.url}/api/traces/${hex(1, 32)}`)).status).toBe(404);
  });

  it('/api/traces?limit=1000 stops at its byte bound and says so in X-Hopscope-Truncated', async () => {
    hub = await createHub({ port: 0, otlpPort: null });
    // 300 spans at the per-span cap (~128 KiB estimated each): about 38 MiB, past the answer's 32 MiB.
    const attributes = Object.fromEntries([0, 1, 2, 3].map((k) => [`app.a${k}`, String(k).repeat(16 * 1024)]));
    for (let batch = 0; batch < 30; batch++) await post(exportOf(10, attributes, 0, batch * 10));
    const res = await request(`${hub.url}/api/traces?limit=1000`);
    expect(res.status).toBe(200);
    const traces = JSON.parse(res.body) as Trace[];
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.length).toBeLessThan(300);
    expect(res.headers['x-hopscope-truncated']).toBe('bytes');
    expect(traces[0]!.path).toBe('/big/299');
    const small = await request(`${hub.url}/api/traces?limit=5`);
    expect(small.headers['x-hopscope-truncated']).toBeUndefined();
    expect((JSON.parse(small.body) as Trace[]).length).toBe(5);
  });
});
