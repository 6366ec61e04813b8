import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { LiveMessage, SpanRecord } from '@hopscope/shared';
import { parseLiveMessage } from '@hopscope/shared';

let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: null });
  hub.addTarget({ name: 'app', upstream: 'http://127.0.0.1:1', proxy: 'http://127.0.0.1:2' });
});
afterAll(async () => hub?.close());

const span = (spanId: string, hop: string, start: number, end?: number): SpanRecord => ({
  traceId: 'ef'.repeat(16),
  spanId,
  name: hop,
  kind: hop === 'proxy' ? 'server' : 'client',
  startMs: start,
  ...(end === undefined ? {} : { endMs: end }),
  attributes: { 'hopscope.hop': hop, 'hopscope.target': 'app', 'url.path': '/live' },
  resource: {},
  status: { code: 'unset' },
  events: [],
});

describe('live stream /api/live', () => {
  it('greets with the targets, then streams traces (in flight first) and stats; every message matches the schema', async () => {
    const messages: LiveMessage[] = [];
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/api/live`);
    ws.on('message', (data) => {
      const message = parseLiveMessage(String(data));
      expect(message).toBeDefined();
      messages.push(message!);
    });
    await vi.waitFor(() => expect(messages[0]?.type).toBe('hello'));
    expect(messages[0]).toMatchObject({ type: 'hello', targets: [{ name: 'app' }] });
    const now = Date.now();
    const proxy = span('1'.repeat(16), 'proxy', now);
    hub.sink.spanStarted(proxy);
    await vi.waitFor(() => expect(messages.some((m) => m.type === 'trace' && m.trace.inFlight)).toBe(true));
    hub.sink.spanEnded({ ...proxy, endMs: now + 5 });
    await vi.waitFor(() => expect(messages.some((m) => m.type === 'trace' && !m.trace.inFlight && m.trace.duration === 5)).toBe(true));
    await vi.waitFor(() => expect(messages.some((m) => m.type === 'stats' && m.stats.targets.app !== undefined)).toBe(true), {
      timeout: 5_000,
    });
    ws.close();
  });

  it('refuses an upgrade from another origin and still closes promptly', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/api/live`, { origin: 'http://evil.example' });
      ws.on('open', () => resolve('open'));
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', () => resolve('error'));
    });
    expect(outcome).toBe('403');
  });
});
