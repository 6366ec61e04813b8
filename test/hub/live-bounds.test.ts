import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot } from '@hopscope/shared';
import { getJson, request } from '../support/http';

// /api/live holds a bounded number of dashboards, and one that stops reading is disconnected instead of kept forever.
let hub: Hub | undefined;
const sockets: Array<{ destroy(): void } | WebSocket> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s instanceof WebSocket ? s.terminate() : s.destroy();
  await hub?.close();
  hub = undefined;
});

const liveUrl = () => `${hub!.url.replace('http', 'ws')}/api/live`;

/** Resolves with 'open', or the close code the hub answered with. */
function connect(): Promise<{ ws: WebSocket; outcome: 'open' | number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(liveUrl());
    sockets.push(ws);
    ws.on('message', (data: Buffer) => {
      if (JSON.parse(data.toString()).type === 'hello') resolve({ ws, outcome: 'open' });
    });
    ws.on('close', (code) => resolve({ ws, outcome: code }));
    ws.on('error', () => {});
  });
}

/** A WebSocket client that completes the handshake and then never reads again. */
function neverReads(): Promise<void> {
  const port = Number(new URL(hub!.url).port);
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(
        `GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    sockets.push(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      resolve();
    };
    socket.on('data', onData);
  });
}

/** 50 traces whose gateway span carries ~64 Ki characters: each live message is ~64 KB. */
function heavyExport(batch: number): string {
  const now = Date.now();
  const spans = Array.from({ length: 50 }, (_, i) => ({
    traceId: (batch * 100 + i + 1).toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'GET /heavy',
    kind: 2,
    startTimeUnixNano: `${now}000000`,
    endTimeUnixNano: `${now + 1}000000`,
    attributes: [
      { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
      ...[0, 1, 2, 3].map((k) => ({ key: `app.a${k}`, value: { stringValue: String(k).repeat(16_000) } })),
    ],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });
}

describe('/api/live bounds', () => {
  it('the 65th dashboard is turned away with 1013 Try Again Later and counted; one leaving makes room', async () => {
    hub = await createHub({ port: 0, otlpPort: null });
    const first = await Promise.all(Array.from({ length: 64 }, () => connect()));
    expect(first.every((c) => c.outcome === 'open')).toBe(true);
    expect((await connect()).outcome).toBe(1013);
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.liveEvicted).toBe(1);
    expect(stats.hub.liveClients).toBe(64);
    first[0]!.ws.close();
    await vi.waitFor(async () => expect((await connect()).outcome).toBe('open'), { timeout: 10_000, interval: 200 });
  });

  it('a dashboard that stops reading is disconnected once its queue has stayed full; one that reads keeps its stream', async () => {
    hub = await createHub({ port: 0, otlpPort: null });
    await neverReads();
    const reader = await connect();
    let received = 0;
    reader.ws.on('message', () => received++);
    await vi.waitFor(async () => expect((await getJson<StatsSnapshot>(`${hub!.url}/api/stats`)).hub.liveClients).toBe(2), {
      timeout: 10_000,
    });
    // ~64 MB of live messages: far past the stalled client's socket buffers and its 4 MiB queue.
    for (let batch = 0; batch < 20; batch++) {
      const res = await request(`${hub.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: heavyExport(batch),
      });
      expect(res.status).toBe(200);
    }
    // Stats go out every second, so the hub keeps noticing the full queue until it has stayed full for 10 s.
    await vi.waitFor(
      async () => {
        const stats = await getJson<StatsSnapshot>(`${hub!.url}/api/stats`);
        expect(stats.hub.liveEvicted).toBe(1);
        expect(stats.hub.liveClients).toBe(1);
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(received).toBeGreaterThan(0);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
  }, 120_000);
});
