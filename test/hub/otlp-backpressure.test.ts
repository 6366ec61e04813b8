import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot, Trace } from '@hopscope/shared';
import { getJson } from '../support/http';

// "when ingest falls behind, 429/503 with Retry-After rather than unbounded queues".
let hub: Hub | undefined;
const drips: http.ClientRequest[] = [];
afterEach(async () => {
  for (const drip of drips.splice(0)) drip.destroy();
  await hub?.close();
  hub = undefined;
});

/** A valid OTLP JSON export of one span, padded with a resource attribute to exactly `size` bytes. */
function exportOfSize(path: string, size: number): Buffer {
  const make = (pad: string) =>
    JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'drip' } },
              { key: 'pad', value: { stringValue: pad } },
            ],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(path.padEnd(16, '.')).subarray(0, 16).toString('hex'),
                  spanId: 'a1'.repeat(8),
                  name: 'GET',
                  kind: 2,
                  startTimeUnixNano: `${Date.now()}000000`,
                  endTimeUnixNano: `${Date.now() + 3}000000`,
                  attributes: [
                    { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
                    { key: 'url.path', value: { stringValue: path } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
  const bare = make('');
  return Buffer.from(make('x'.repeat(Math.max(0, size - bare.length))));
}

interface Answer {
  status: number;
  retryAfter?: string;
  error?: string;
}

/**
 * An upload that sends `sendFirst` bytes of `body` and then stalls until `finish()`.
 * With `waitForContinue` it sends `Expect: 100-continue` and resolves `entered` once the hub
 * has accepted the head (its handler has run by then).
 */
function drip(url: string, body: Buffer, sendFirst: number) {
  let answered!: (answer: Answer) => void;
  const answer = new Promise<Answer>((resolve) => (answered = resolve));
  let entered!: () => void;
  const continued = new Promise<void>((resolve) => (entered = resolve));
  const req = http.request(
    url,
    {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': body.length, expect: '100-continue' },
    },
    (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () =>
        answered({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'],
          error: text ? (JSON.parse(text) as { error?: string }).error : undefined,
        }),
      );
    },
  );
  req.on('continue', () => {
    req.write(body.subarray(0, sendFirst));
    entered();
  });
  req.on('error', () => answered({ status: 0 }));
  req.flushHeaders();
  drips.push(req);
  return { answer, entered: continued, finish: () => req.end(body.subarray(sendFirst)) };
}

async function post(url: string, body: Buffer): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after') ?? undefined,
    error: text ? (JSON.parse(text) as { error?: string }).error : undefined,
  };
}

async function stored(path: string): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const trace = (await getJson<Trace[]>(`${hub!.url}/api/traces?limit=100`)).find((t) => t.path === path);
      if (!trace) throw new Error(`${path} not stored yet`);
      return trace;
    },
    { timeout: 10_000 },
  );
}

describe('OTLP ingest backpressure', () => {
  it('slow uploads that hold every request slot make the next export wait: 503 with Retry-After, then accepted once they finish', async () => {
    hub = await createHub({ port: 0, otlpPort: 0, otlpBudget: { maxRequests: 3 } });
    const slow = [0, 1, 2].map((i) => drip(hub!.otlpUrl, exportOfSize(`/slow-${i}`, 8 * 1024), 4 * 1024));
    await Promise.all(slow.map((d) => d.entered));

    const refused = await post(hub.otlpUrl, exportOfSize('/refused', 512));
    expect(refused).toEqual({ status: 503, retryAfter: '1', error: 'HOPSCOPE_HUB_OVERLOADED' });
    // The hub port's /v1/traces shares the budget: the bound is on the hub, not per listener.
    expect((await post(`${hub.url}/v1/traces`, exportOfSize('/refused-too', 512))).status).toBe(503);
    // The dashboard and API stay responsive while ingest is full.
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.ingestRefused).toBe(2);

    for (const d of slow) d.finish();
    expect((await Promise.all(slow.map((d) => d.answer))).map((a) => a.status)).toEqual([200, 200, 200]);
    await stored('/slow-2');
    expect((await post(hub.otlpUrl, exportOfSize('/after', 512))).status).toBe(200);
    await stored('/after');
  });

  it('concurrent uploads past the byte budget are refused with Retry-After instead of buffered; the rest complete and ingest recovers', async () => {
    const maxBytes = 256 * 1024;
    hub = await createHub({ port: 0, otlpPort: 0, otlpBudget: { maxBytes } });
    // Five 64 KiB exports each send 60 KiB and stall: 300 KiB cannot all be held in 256 KiB.
    const slow = [0, 1, 2, 3, 4].map((i) => drip(hub!.otlpUrl, exportOfSize(`/bytes-${i}`, 64 * 1024), 60 * 1024));
    await Promise.all(slow.map((d) => d.entered));
    // Held bytes never pass the budget, so exactly one upload is refused; the other four fit (4 × 64 KiB).
    const first = await Promise.race(slow.map((d, i) => d.answer.then((answer) => ({ i, answer }))));
    expect(first.answer).toEqual({ status: 503, retryAfter: '1', error: 'HOPSCOPE_HUB_OVERLOADED' });

    const pending = slow.filter((_, i) => i !== first.i);
    for (const d of pending) d.finish();
    expect((await Promise.all(pending.map((d) => d.answer))).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect((await post(hub.otlpUrl, exportOfSize('/bytes-after', 64 * 1024))).status).toBe(200);
    await stored('/bytes-after');
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.ingestRefused).toBe(1);
  });
});
