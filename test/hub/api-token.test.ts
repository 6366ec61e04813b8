import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import { request, type SimpleResponse } from '../support/http';

/**
 * A hub with a token (what binding beyond loopback sets up) opens its
 * dashboard, API and live stream only to requests that carry it: the
 * `?token=` of the printed URL (which also sets a cookie), the cookie, or
 * `Authorization: Bearer`. Everything else is 401 HOPSCOPE_HUB_UNAUTHORIZED.
 */
const TOKEN = 'tok-Dashb0ard';
let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: null, token: TOKEN });
  hub.addTarget({ name: 'app', upstream: 'http://127.0.0.1:1', proxy: 'http://127.0.0.1:2' });
});
afterAll(async () => hub?.close());

const COMPARE_SPEC = JSON.stringify({ targets: ['app', 'app'], requests: 1, warmupMs: 0 });
const get = (path: string, headers: Record<string, string> = {}) => request(`${hub.url}${path}`, { headers });
const postCompare = (path: string, headers: Record<string, string> = {}) =>
  request(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: COMPARE_SPEC });

function expectRefused(res: SimpleResponse): void {
  expect(res.status).toBe(401);
  expect(JSON.parse(res.body).error).toBe('HOPSCOPE_HUB_UNAUTHORIZED');
  expect(res.headers['set-cookie']).toBeUndefined();
}

/** Opens /api/live; resolves with the first message, or with the HTTP status of a refused upgrade. */
function openLive(query: string, headers: Record<string, string> = {}): Promise<{ status: number; first?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/api/live${query}`, { headers });
    ws.once('message', (data) => {
      resolve({ status: 101, first: String(data) });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', reject);
  });
}

describe('the dashboard and API when the hub has a token', () => {
  it('refuses the dashboard page, the traces and a compare run without the token, or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { cookie: 'hopscope_token=wrong' }] as Array<Record<string, string>>) {
      expectRefused(await get('/', headers));
      expectRefused(await get('/api/traces', headers));
      expectRefused(await postCompare('/api/compare', headers));
    }
    expectRefused(await get('/api/traces?token=wrong'));
    // Nothing was started by the refused compare requests.
    expect(JSON.parse((await get('/api/compare', { authorization: `Bearer ${TOKEN}` })).body)).toEqual([]);
  });

  it('refuses the live stream upgrade without the token', async () => {
    expect(await openLive('')).toEqual({ status: 401 });
    expect(await openLive('?token=wrong')).toEqual({ status: 401 });
    expect(await openLive('', { authorization: 'Bearer wrong' })).toEqual({ status: 401 });
  });

  it('opens all of them with the token: ?token= (which sets the cookie), the cookie, or Authorization: Bearer', async () => {
    const first = await get(`/?token=${TOKEN}`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/html/);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toBe(`hopscope_token=${TOKEN}`);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly/);

    for (const headers of [{ cookie }, { authorization: `Bearer ${TOKEN}` }] as Array<Record<string, string>>) {
      expect((await get('/', headers)).status).toBe(200);
      const traces = await get('/api/traces', headers);
      expect(traces.status).toBe(200);
      expect(JSON.parse(traces.body)).toEqual([]);
    }
    // Past the guard, the compare route itself answers (an unknown target: no load is started).
    const compare = await request(`${hub.url}/api/compare`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ targets: ['nope', 'app'] }),
    });
    expect(compare.status).toBe(404);
    expect(JSON.parse(compare.body).message).toContain('No target "nope"');

    for (const [query, headers] of [
      [`?token=${TOKEN}`, {}],
      ['', { cookie }],
      ['', { authorization: `Bearer ${TOKEN}` }],
    ] as const) {
      const live = await openLive(query, headers);
      expect(live.status).toBe(101);
      expect(JSON.parse(live.first!).type).toBe('hello');
    }
  });
});
