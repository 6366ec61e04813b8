import WebSocket from 'ws';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { LiveMessage, SpanRecord, StatsSnapshot } from '@hopscope/shared';
import { parseLiveMessage } from '@hopscope/shared';
import { getJson } from '../support/http';

// A dashboard that stops reading (a sleeping laptop, a frozen tab) must not stall the others
// nor grow the hub's memory without bound: server/src/live.ts bounds each client and counts drops.
let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: null, maxTraces: 300 });
  hub.addTarget({ name: 'app', upstream: 'http://127.0.0.1:1', proxy: 'http://127.0.0.1:2' });
});
afterAll(async () => hub?.close());

const PADDING = 'p'.repeat(16 * 1024);
const PER_ROUND = 20;
const MAX_ROUNDS = 400;
const DEADLINE_MS = 60_000;
let traceCounter = 0;

/** One finished proxy span = one trace of about 16 KiB on the live stream. */
function finishedTrace(path: string): SpanRecord {
  const now = Date.now();
  return {
    traceId: (++traceCounter).toString(16).padStart(32, 'a'),
    spanId: 'b'.repeat(16),
    name: 'GET',
    kind: 'server',
    startMs: now - 3,
    endMs: now,
    attributes: {
      'hopscope.hop': 'proxy',
      'hopscope.target': 'app',
      'url.path': path,
      'http.response.status_code': 200,
      'app.padding': PADDING,
    },
    resource: {},
    status: { code: 'unset' },
    events: [],
  };
}

function connect(): { ws: WebSocket; messages: LiveMessage[]; paths: Set<string> } {
  const messages: LiveMessage[] = [];
  const paths = new Set<string>();
  const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/api/live`);
  ws.on('message', (data) => {
    const message = parseLiveMessage(String(data));
    if (!message) return;
    messages.push(message);
    if (message.type === 'trace') paths.add(message.trace.path);
  });
  return { ws, messages, paths };
}

const liveDropped = async () => (await getJson<StatsSnapshot>(`${hub.url}/api/stats`)).hub.liveDropped;

describe('a dashboard client that stops reading', () => {
  it('does not hold up a second client, and what it misses is dropped, counted and reported to it', async () => {
    const slow = connect();
    const fast = connect();
    await vi.waitFor(() => expect(slow.messages[0]?.type === 'hello' && fast.messages[0]?.type === 'hello').toBe(true));
    // The slow client's TCP socket stops reading: the kernel buffers fill, then the hub's.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    const started = Date.now();
    let round = 0;
    while ((await liveDropped()) === 0) {
      expect(
        round < MAX_ROUNDS && Date.now() - started < DEADLINE_MS,
        `no live message dropped after ${round} rounds of ${PER_ROUND} traces`,
      ).toBe(true);
      for (let i = 0; i < PER_ROUND; i++) hub.sink.spanEnded(finishedTrace(`/r${round}-${i}`));
      // Every round reaches the reading client while the other one sits on its buffer.
      const last = `/r${round}-${PER_ROUND - 1}`;
      await vi.waitFor(() => expect(fast.paths.has(last)).toBe(true), { timeout: 10_000, interval: 5 });
      round++;
    }
    console.log(`live messages dropped after ${round} rounds (${round * PER_ROUND} traces of ~16 KiB) to the paused client`);
    expect(await liveDropped()).toBeGreaterThan(0);
    expect(fast.paths.size).toBe(round * PER_ROUND);
    expect(fast.messages.some((m) => m.type === 'dropped')).toBe(false);
    // The API stays responsive meanwhile.
    expect((await getJson<StatsSnapshot>(`${hub.url}/api/stats`)).hub.liveClients).toBe(2);

    // Once it reads again it catches up and is told how much it missed.
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    let extra = 0;
    await vi.waitFor(
      () => {
        hub.sink.spanEnded(finishedTrace(`/after-${extra++}`));
        expect(slow.messages.find((m) => m.type === 'dropped')).toMatchObject({ type: 'dropped', count: expect.any(Number) });
      },
      { timeout: 20_000, interval: 100 },
    );
    const dropped = slow.messages.find((m): m is Extract<LiveMessage, { type: 'dropped' }> => m.type === 'dropped')!;
    expect(dropped.count).toBeGreaterThan(0);
    expect(slow.paths.size + dropped.count).toBeGreaterThanOrEqual(round * PER_ROUND);
    slow.ws.close();
    fast.ws.close();
  });
});
