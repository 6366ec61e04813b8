import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import { getJson, request } from '../support/http';
import { startUpstream } from '../support/upstream';

// "state-changing endpoints accept only JSON bodies, so a cross-site form or simple request cannot reach them".
let hub: Hub;
const seen: Array<{ method: string; url: string; body: string }> = [];
let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  hub = await createHub({ port: 0, otlpPort: null });
  // The compare runner sends its load to each target's proxy URL; the upstream stands in for both.
  for (const name of ['a', 'b']) hub.addTarget({ name, upstream: upstream.url, proxy: upstream.url });
});
afterAll(async () => {
  await hub?.close();
  await upstream?.close();
});

const spec = JSON.stringify({
  targets: ['a', 'b'],
  paths: [{ path: '/compare-load' }],
  concurrency: 1,
  requests: 4,
  durationMs: 2_000,
  warmupMs: 0,
});
const runs = () => getJson<unknown[]>(`${hub.url}/api/compare`);

describe('state-changing requests to the hub take JSON only', () => {
  it('a cross-site-style text/plain POST (what fetch no-cors or a form can send) is refused with 415 and starts nothing', async () => {
    const res = await request(`${hub.url}/api/compare`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: spec,
    });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body).error).toBe('HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE');
    expect(await runs()).toEqual([]);
    expect(seen.filter((s) => s.url === '/compare-load')).toEqual([]);
  });

  it('form encodings and a missing Content-Type are refused too', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await request(`${hub.url}/api/compare`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'targets=a&targets=b',
      });
      expect(res.status).toBe(415);
    }
    expect((await request(`${hub.url}/api/compare`, { method: 'POST' })).status).toBe(415);
    // Routes added later under /api/ are covered without being listed.
    expect((await request(`${hub.url}/api/anything-new`, { method: 'DELETE', headers: { 'content-type': 'text/plain' } })).status).toBe(
      415,
    );
    expect(await runs()).toEqual([]);
  });

  it('JSON from a script (no Origin, as the CLI sends it) starts a compare run that drives load', async () => {
    const res = await request(`${hub.url}/api/compare`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: spec,
    });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(seen.filter((s) => s.url === '/compare-load').length).toBeGreaterThan(0), { timeout: 10_000 });
    expect((await runs()).length).toBe(1);
  });

  it('/api/send/ passes any body through, but only with X-Hopscope-Send: 1 (403 without: a form cannot set it)', async () => {
    const form = await request(`${hub.url}/api/send/a/form-post`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x=1',
    });
    expect(form.status).toBe(403);
    expect(JSON.parse(form.body).error).toBe('HOPSCOPE_HUB_SEND_HEADER_REQUIRED');
    expect(seen.find((s) => s.url === '/form-post')).toBeUndefined();

    const dashboard = await request(`${hub.url}/api/send/a/dashboard-post`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-hopscope-send': '1' },
      body: 'hello',
    });
    expect(dashboard.status).toBe(200);
    expect(seen.find((s) => s.url === '/dashboard-post')).toMatchObject({ method: 'POST', body: 'hello' });
  });

  it('OTLP on the hub port keeps its own content types (protobuf is not JSON, and still accepted)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${hub.url}/v1/traces`,
        { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, agent: false },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(Buffer.alloc(0));
    });
    expect(res).toBe(200);
  });
});
