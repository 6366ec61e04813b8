import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { request } from '../support/http';
import { closedPort, startRawUpstream, startUpstream } from '../support/upstream';

/** What docs/proxy.md promises about forwarding: loops refused (508), X-Forwarded-Proto, hop-by-hop stripped on the way back. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

describe('forwarding rules', () => {
  it('a target that points back at the proxy itself: the looped request is refused with 508 HOPSCOPE_PROXY_LOOP (Via)', async () => {
    const port = await closedPort();
    const sink = new RecordingSink();
    const proxy = await createProxy({ target: 'loop', upstream: `http://127.0.0.1:${port}`, port, sink });
    cleanups.push(() => proxy.close());
    const res = await request(`${proxy.url}/again`);
    // The second pass refuses; the first pass hands that answer back to the client.
    expect(res.status).toBe(508);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'HOPSCOPE_PROXY_LOOP', errorType: 'request_rejected_framing' });
    // The refusal is recorded as such, and the request went round once, not forever.
    // The first pass traced the 508 its upstream (itself) answered; the refused second pass was never
    // forwarded, so the request went round once, not forever.
    await vi.waitFor(() =>
      expect(sink.ended.map((s) => [s.attributes['hopscope.hop'], s.attributes['http.response.status_code']])).toEqual([
        ['server', 508],
        ['proxy', 508],
      ]),
    );
  });

  it('tells the app the client spoke http (X-Forwarded-Proto), whatever the client claimed', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const up = await startUpstream((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    cleanups.push(up.close);
    const proxy = await createProxy({ target: 'app', upstream: up.url, sink: new RecordingSink() });
    cleanups.push(() => proxy.close());
    await request(`${proxy.url}/plain`);
    await request(`${proxy.url}/spoofed`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(seen.map((h) => h['x-forwarded-proto'])).toEqual(['http', 'http']);
  });

  it("removes the app's hop-by-hop response headers, and those its Connection names, before the client sees them", async () => {
    const raw = await startRawUpstream((socket) =>
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 200 OK\r\n' +
            'Content-Type: text/plain\r\n' +
            'Connection: keep-alive, X-Upstream-Hop\r\n' +
            'Keep-Alive: timeout=99\r\n' +
            'X-Upstream-Hop: secret\r\n' +
            'Proxy-Authenticate: Basic realm="app"\r\n' +
            'Trailer: X-Checksum\r\n' +
            'Upgrade: h2c\r\n' +
            'X-End-To-End: kept\r\n' +
            'Content-Length: 2\r\n\r\nok',
        ),
      ),
    );
    cleanups.push(raw.close);
    const proxy = await createProxy({ target: 'app', upstream: raw.url, sink: new RecordingSink() });
    cleanups.push(() => proxy.close());
    const res = await request(`${proxy.url}/headers`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok');
    expect(res.headers['x-end-to-end']).toBe('kept');
    expect(res.headers['content-type']).toBe('text/plain');
    for (const name of ['x-upstream-hop', 'proxy-authenticate', 'trailer', 'upgrade']) expect(res.headers, name).not.toHaveProperty(name);
    // The proxy's own connection management towards the client, not the app's.
    expect(res.headers['keep-alive']).not.toBe('timeout=99');
  });
});
