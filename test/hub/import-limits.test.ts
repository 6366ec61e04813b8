import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { Recording, StatsSnapshot } from '@hopscope/shared';
import { getJson, request } from '../support/http';

// POST /api/import takes what a real recording can hold, and cannot be held open by a client that trickles its body.
let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: null });
});
afterAll(async () => {
  await hub?.close();
});

/** One ExportTraceServiceRequest with a gateway span and `noise` INTERNAL spans under it, all in one trace. */
function bigElement(noise: number): string {
  const now = Date.now();
  const traceId = 'be'.repeat(16);
  const spans = [
    `{"traceId":"${traceId}","spanId":"${'1'.padStart(16, '0')}","name":"GET /big","kind":2,"startTimeUnixNano":"${now}000000","endTimeUnixNano":"${now + 50}000000","attributes":[{"key":"hopscope.hop","value":{"stringValue":"gateway"}},{"key":"url.path","value":{"stringValue":"/big"}}]}`,
  ];
  for (let i = 0; i < noise; i++) {
    const spanId = (i + 2).toString(16).padStart(16, '0');
    spans.push(
      `{"traceId":"${traceId}","spanId":"${spanId}","parentSpanId":"${'1'.padStart(16, '0')}","name":"n","kind":1,"startTimeUnixNano":"${now}000000","endTimeUnixNano":"${now + 1}000000"}`,
    );
  }
  return `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"big"}}]},"scopeSpans":[{"spans":[${spans.join(',')}]}]}]}`;
}

describe('POST /api/import limits', () => {
  it('one element with 130,000 spans is imported (no 500 from spreading them into one call)', async () => {
    const res = await request(`${hub.url}/api/import?title=big`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `[${bigElement(130_000)}]`,
    });
    expect(res.status).toBe(200);
    const recording = JSON.parse(res.body) as Recording;
    expect(recording.traces.map((t) => t.path)).toEqual(['/big']);
  }, 90_000);

  it('a body trickled a byte at a time is answered 408 HOPSCOPE_HUB_BODY_TIMEOUT and its connection closed; the hub keeps serving', async () => {
    const outcome = await new Promise<{ status: number; body: string; closed: boolean }>((resolve) => {
      const req = http.request(`${hub.url}/api/import`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': 100_000 },
      });
      let sent = 0;
      // One byte every 200 ms: each restarts any idle timer; bounded at 150 bytes (30 s).
      const timer = setInterval(() => {
        if (sent++ < 150) req.write('[');
        else {
          clearInterval(timer);
          req.destroy();
        }
      }, 200);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => {
          clearInterval(timer);
          resolve({ status: res.statusCode ?? 0, body, closed: res.headers.connection === 'close' });
        });
      });
      req.on('error', () => {
        clearInterval(timer);
        resolve({ status: 0, body: '', closed: true });
      });
    });
    expect(outcome.status).toBe(408);
    expect(JSON.parse(outcome.body).error).toBe('HOPSCOPE_HUB_BODY_TIMEOUT');
    expect(outcome.closed).toBe(true);
    expect((await request(`${hub.url}/api/targets`)).status).toBe(200);
  });
});

describe('/api/stats?target= names only real targets', () => {
  it('__proto__, constructor, toString and hasOwnProperty are unknown targets: 404', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const res = await request(`${hub.url}/api/stats?target=${name}`);
      expect(res.status, name).toBe(404);
      expect(JSON.parse(res.body).error).toBe('HOPSCOPE_HUB_NOT_FOUND');
    }
  });

  it('a target really named __proto__ (from a span’s service.name) has its own stats', async () => {
    const now = Date.now();
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: '__proto__' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'fe'.repeat(16),
                  spanId: 'fe'.repeat(8),
                  name: 'GET /p',
                  kind: 2,
                  startTimeUnixNano: `${now}000000`,
                  endTimeUnixNano: `${now + 3}000000`,
                  attributes: [{ key: 'url.path', value: { stringValue: '/p' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await request(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(
      200,
    );
    const all = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(Object.keys(all.targets)).toContain('__proto__');
    const one = await getJson<StatsSnapshot>(`${hub.url}/api/stats?target=__proto__`);
    expect(one.targets.__proto__?.requests).toBe(1);
  });
});

describe('names from spans are never looked up on a prototype', () => {
  it('a Server-Timing entry named "constructor" synthesizes no app hop', async () => {
    const now = Date.now();
    const span = (spanId: string, hop: string, extra: object[]) => ({
      traceId: 'c0'.repeat(16),
      spanId,
      name: hop,
      kind: hop === 'proxy' ? 2 : 3,
      startTimeUnixNano: `${now}000000`,
      endTimeUnixNano: `${now + 9}000000`,
      attributes: [{ key: 'hopscope.hop', value: { stringValue: hop } }, ...extra],
    });
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hopscope-proxy' } }] },
          scopeSpans: [
            {
              spans: [
                span('c1'.repeat(8), 'proxy', [{ key: 'url.path', value: { stringValue: '/st' } }]),
                span('c2'.repeat(8), 'server', [
                  { key: 'hopscope.server_timing', value: { stringValue: 'constructor;dur=5, toString;dur=2' } },
                ]),
              ],
            },
          ],
        },
      ],
    });
    expect((await request(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(
      200,
    );
    const trace = await getJson<{ hops: Array<{ hop: string }> }>(`${hub.url}/api/traces/${'c0'.repeat(16)}`);
    expect(trace.hops.map((h) => h.hop)).toEqual(['proxy', 'server']);
  });
});
