import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHub, type Hub } from '@hopscope/server';
import { request } from '../support/http';

// Bound beyond loopback (docker compose, a LAN demo) any Host is accepted, but an Origin must still be the hub's own, exactly.
const TOKEN = 'origin-test-token';
let hub: Hub;
let port: number;
beforeAll(async () => {
  hub = await createHub({ host: '0.0.0.0', port: 0, otlpPort: null, token: TOKEN });
  port = Number(new URL(hub.url).port);
});
afterAll(async () => {
  await hub?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };

/** Opens /api/live with this Host and Origin; resolves with the HTTP status of a refusal, or 101 when it opened. */
function openLive(host: string, origin: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers: { ...auth, host }, origin });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', () => {});
  });
}

describe('a hub bound to 0.0.0.0 accepts only its own origin', () => {
  it('the live stream refuses another port of the same host (the proxied app’s) and another name of this machine', async () => {
    const host = `127.0.0.1:${port}`;
    expect(await openLive(host, `http://127.0.0.1:${port + 1}`)).toBe(403);
    expect(await openLive(host, `http://localhost:${port}`)).toBe(403);
    expect(await openLive(`192.168.1.5:${port}`, `http://127.0.0.1:${port}`)).toBe(403);
    expect(await openLive(host, 'http://evil.example')).toBe(403);
    expect(await openLive(host, 'null')).toBe(403);
  });

  it('the live stream opens from the origin the page was loaded from, whatever name that is', async () => {
    expect(await openLive(`127.0.0.1:${port}`, `http://127.0.0.1:${port}`)).toBe(101);
    expect(await openLive(`192.168.1.5:${port}`, `http://192.168.1.5:${port}`)).toBe(101);
  });

  it('state-changing and read requests of the API from another origin are refused', async () => {
    const host = `127.0.0.1:${port}`;
    const start = await request(`http://127.0.0.1:${port}/api/recording`, {
      method: 'POST',
      headers: { ...auth, host, origin: `http://127.0.0.1:${port + 1}`, 'content-type': 'application/json' },
      body: '{"action":"start"}',
    });
    expect(start.status).toBe(403);
    expect(JSON.parse(start.body).error).toBe('HOPSCOPE_HUB_FORBIDDEN_ORIGIN');
    const status = await request(`http://127.0.0.1:${port}/api/recording`, { headers: { ...auth, host } });
    expect(JSON.parse(status.body).recording).toBe(false);

    const read = await request(`http://127.0.0.1:${port}/api/traces`, { headers: { ...auth, host, origin: 'http://evil.example' } });
    expect(read.status).toBe(403);
  });

  it('the same requests from the hub’s own origin (or with no Origin, as the CLI sends them) are served', async () => {
    const host = `127.0.0.1:${port}`;
    const own = await request(`http://127.0.0.1:${port}/api/traces`, { headers: { ...auth, host, origin: `http://${host}` } });
    expect(own.status).toBe(200);
    const cli = await request(`http://127.0.0.1:${port}/api/traces`, { headers: { ...auth, host } });
    expect(cli.status).toBe(200);
  });
});
