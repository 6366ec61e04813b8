import { afterAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { SpanRecord, StatsSnapshot, Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';

/** The bounds docs/api.md promises: `limit` 1–1000, at most 256 spans per trace. */
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function hub(config: Parameters<typeof createHub>[0] = {}): Promise<Hub> {
  const started = await createHub({ port: 0, otlpPort: 0, ...config });
  cleanups.push(() => started.close());
  return started;
}

function span(traceId: string, i: number, extra: Record<string, string> = {}): SpanRecord {
  return {
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentSpanId: i === 0 ? undefined : '0000000000000001',
    name: i === 0 ? 'GET' : `work ${i}`,
    kind: i === 0 ? 'server' : 'internal',
    startMs: Date.now(),
    endMs: Date.now() + 1,
    attributes: { 'hopscope.hop': i === 0 ? 'gateway' : 'view', 'url.path': '/bounded', ...extra },
    resource: { 'service.name': 'app' },
    status: { code: 'unset' },
    events: [],
  };
}

describe('GET /api/traces?limit=', () => {
  it('answers 400 HOPSCOPE_HUB_BAD_REQUEST outside 1–1000 or for a non-integer, and keeps serving', async () => {
    const h = await hub({ otlpPort: null });
    for (const limit of ['0', '1001', '-1', '1.5', 'abc', '', '1e3x']) {
      const res = await request(`${h.url}/api/traces?limit=${limit}`);
      expect(res.status, `limit=${limit}`).toBe(400);
      const body = JSON.parse(res.body) as { error: string; message: string };
      expect(body.error).toBe('HOPSCOPE_HUB_BAD_REQUEST');
      expect(body.message).toContain('limit must be a whole number from 1 to 1000');
    }
    for (const limit of ['1', '1000']) expect((await request(`${h.url}/api/traces?limit=${limit}`)).status).toBe(200);
  });
});

describe('at most 256 spans per trace', () => {
  it('keeps the first 256 spans of a 300-span trace and counts the other 44 as dropped', async () => {
    const h = await hub({ otlpPort: null });
    const traceId = 'b1'.repeat(16);
    for (let i = 0; i < 300; i++) h.sink.spanEnded(span(traceId, i));
    const trace = await getJson<Trace>(`${h.url}/api/traces/${traceId}`);
    expect(trace.spans).toHaveLength(256);
    expect(trace.spans!.map((s) => s.spanId)).toContain('0000000000000001');
    expect(trace.spans!.map((s) => s.spanId)).not.toContain((300).toString(16).padStart(16, '0'));
    expect((await getJson<StatsSnapshot>(`${h.url}/api/stats`)).hub.spansDropped).toBe(44);
  });
});
