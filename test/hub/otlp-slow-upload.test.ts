import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot } from '@hopscope/shared';
import { getJson, request } from '../support/http';

// Uploads that trickle a byte at a time cannot keep the OTLP ingest budget: each upload has a total deadline
// that only bytes actually received push later (a minimum rate), not an idle timer that every byte restarts.
let hub: Hub | undefined;
const tricklers: Array<{ stop(): void }> = [];
afterEach(async () => {
  for (const t of tricklers.splice(0)) t.stop();
  await hub?.close();
  hub = undefined;
});

const exportBody = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'real' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: 'ab'.repeat(16),
              spanId: 'cd'.repeat(8),
              name: 'GET /real',
              kind: 2,
              startTimeUnixNano: `${Date.now()}000000`,
              endTimeUnixNano: `${Date.now() + 2}000000`,
              attributes: [{ key: 'url.path', value: { stringValue: '/real' } }],
            },
          ],
        },
      ],
    },
  ],
});

/** Announces a 1000-byte JSON body and sends one byte every `everyMs` (well inside the idle timeout) until stopped or answered. */
function trickle(url: string, everyMs: number): { answer: Promise<number>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let answered!: (status: number) => void;
  const answer = new Promise<number>((resolve) => (answered = resolve));
  const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': 1000 } });
  req.on('response', (res) => {
    clearInterval(timer);
    answered(res.statusCode ?? 0);
    res.resume();
  });
  req.on('error', () => answered(0));
  req.flushHeaders();
  let sent = 0;
  timer = setInterval(() => {
    // Bounded: at most 999 bytes (the body never completes), at most ~100 s.
    if (sent++ < 999) req.write(' ');
  }, everyMs);
  const stop = () => {
    clearInterval(timer);
    req.destroy();
  };
  return { answer, stop };
}

describe('slow OTLP uploads', () => {
  it('trickling uploads that fill every slot are cut at their deadline, and real exports get in again', async () => {
    hub = await createHub({
      port: 0,
      otlpPort: 0,
      otlpBudget: { maxRequests: 4, pace: { baseMs: 1_500, bytesPerSecond: 64 * 1024, maxMs: 60_000 } },
    });
    const { otlpUrl } = hub;
    const slow = [0, 1, 2, 3].map(() => trickle(otlpUrl, 100));
    tricklers.push(...slow);
    // The slots are full: a real export is refused for now.
    await vi.waitFor(
      async () => {
        const refused = await request(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody });
        expect(refused.status).toBe(503);
      },
      { timeout: 10_000, interval: 50 },
    );
    // Each trickler still sends a byte every 100 ms, yet is answered 408 once its deadline passes.
    const answers = await Promise.all(
      slow.map((t) => Promise.race([t.answer, new Promise<number>((r) => setTimeout(() => r(-1), 20_000))])),
    );
    expect(answers).toEqual([408, 408, 408, 408]);
    const res = await request(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody });
    expect(res.status).toBe(200);
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.spansReceived).toBe(1);
  });

  it('a large export that keeps a decent pace is not cut by the base deadline', async () => {
    hub = await createHub({
      port: 0,
      otlpPort: 0,
      otlpBudget: { pace: { baseMs: 1_000, bytesPerSecond: 1024, maxMs: 60_000 } },
    });
    // ~3 s of sending at ~8 KiB/s earns far more time than the 1 s base.
    const chunk = Buffer.alloc(2048, ' ');
    const body = Buffer.from(exportBody);
    const status = await new Promise<number>((resolve) => {
      const req = http.request(hub!.otlpUrl, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': 12 * chunk.length + body.length },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on('error', () => resolve(0));
      let sent = 0;
      const timer = setInterval(() => {
        if (sent++ < 12) return void req.write(chunk);
        clearInterval(timer);
        req.end(body);
      }, 250);
    });
    expect(status).toBe(200);
  });
});
