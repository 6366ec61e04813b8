import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createProxy, type ProxyHandle } from '@hopscope/proxy';
import { createHub } from '@hopscope/server';
import { RecordingSink } from '../support/recording-sink';
import { request } from '../support/http';
import { startUpstream } from '../support/upstream';

let proxy: ProxyHandle;
let cookieName: string;
let seen: http.IncomingHttpHeaders[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // The name comes from the hub itself, so a renamed cookie cannot slip past this test.
  const hub = await createHub({ port: 0, otlpPort: null, token: 'tok-secret' });
  cleanups.push(() => hub.close());
  const setCookie = (await request(`${hub.url}/api/stats?token=tok-secret`)).headers['set-cookie']?.[0] ?? '';
  cookieName = setCookie.split('=')[0]!;
  const up = await startUpstream((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  cleanups.push(up.close);
  const wss = new WebSocketServer({ server: up.server });
  wss.on('connection', (socket, req) => {
    seen.push(req.headers);
    socket.close();
  });
  proxy = await createProxy({ target: 'app', upstream: up.url, sink: new RecordingSink() });
  cleanups.push(() => proxy.close());
});
beforeEach(() => {
  seen = [];
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/*
 * Cookies ignore ports (RFC 6265 §8.5): a browser that holds the hub's token
 * cookie for 127.0.0.1 sends it to the proxied app on another port too. The
 * proxy removes that one cookie and keeps the app's own.
 */
describe("the hub's token cookie never reaches the app", () => {
  it('is the cookie the hub sets', () => {
    expect(cookieName).toBe('hopscope_token');
  });

  it('removed from among other cookies, which arrive unchanged and in order', async () => {
    await request(`${proxy.url}/page`, { headers: { cookie: `session=abc; ${cookieName}=tok-secret; theme=dark` } });
    expect(seen[0]!.cookie).toBe('session=abc; theme=dark');
  });

  it('the only cookie: no Cookie header at all', async () => {
    await request(`${proxy.url}/page`, { headers: { cookie: `${cookieName}=tok-secret` } });
    expect(seen[0]!.cookie).toBeUndefined();
  });

  it('in several Cookie header lines, with odd spacing', async () => {
    await request(`${proxy.url}/page`, { headers: { cookie: [`a=1;${cookieName}=tok-secret`, ` ${cookieName} = x ; b=2`] } });
    expect(seen[0]!.cookie).toBe('a=1; b=2');
    expect(JSON.stringify(seen[0])).not.toContain('tok-secret');
  });

  it('a cookie whose name only contains the token name is kept', async () => {
    await request(`${proxy.url}/page`, { headers: { cookie: `my_${cookieName}=mine; ${cookieName}x=also-mine` } });
    expect(seen[0]!.cookie).toBe(`my_${cookieName}=mine; ${cookieName}x=also-mine`);
  });

  it('removed from a WebSocket upgrade too', async () => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/socket`, { headers: { cookie: `${cookieName}=tok-secret; room=7` } });
    await new Promise<void>((resolve) => ws.on('close', () => resolve()).on('error', () => resolve()));
    expect(seen[0]!.cookie).toBe('room=7');
  });
});
