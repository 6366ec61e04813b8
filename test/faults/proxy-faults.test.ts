import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy, type ProxyHandle } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { closedPort, startRawUpstream, startUpstream } from '../support/upstream';
import { request } from '../support/http';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function proxyTo(upstream: string, options: { upstreamHeaderTimeoutMs?: number; maxInFlight?: number } = {}) {
  const sink = new RecordingSink();
  const proxy: ProxyHandle = await createProxy({ target: 'app', upstream, sink, ...options });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

async function upstream(handler: http.RequestListener) {
  const up = await startUpstream(handler);
  cleanups.push(up.close);
  return up;
}

describe('proxy faults end as the right status and an error span', () => {
  it('upstream down → 502 upstream_connect_refused, no internal address in the body', async () => {
    const port = await closedPort();
    const { proxy, sink } = await proxyTo(`http://127.0.0.1:${port}`);
    const res = await request(`${proxy.url}/items/1`);
    expect(res.status).toBe(502);
    expect(res.body).toContain('HOPSCOPE_PROXY_UPSTREAM_REFUSED');
    expect(res.body).not.toContain('127.0.0.1');
    expect(res.body).not.toContain(String(port));
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_connect_refused'));
    expect(sink.endedHop('proxy')!.status.code).toBe('error');
    expect(sink.endedHop('server')!.attributes['error.type']).toBe('upstream_connect_refused');
  });

  it('upstream slower than the header timeout → 504 upstream_response_header_timeout', async () => {
    const up = await upstream((_req, res) => {
      const timer = setTimeout(() => res.end('late'), 5_000);
      res.on('close', () => clearTimeout(timer));
    });
    const { proxy, sink } = await proxyTo(up.url, { upstreamHeaderTimeoutMs: 200 });
    const res = await request(`${proxy.url}/slow`);
    expect(res.status).toBe(504);
    expect(res.body).toContain('HOPSCOPE_PROXY_UPSTREAM_TIMEOUT');
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_response_header_timeout'));
  });

  it('upstream reset before answering → 502 upstream_reset_before_response', async () => {
    const raw = await startRawUpstream((socket) => socket.once('data', () => socket.destroy()));
    cleanups.push(raw.close);
    const { proxy, sink } = await proxyTo(raw.url);
    const res = await request(`${proxy.url}/crash`);
    expect(res.status).toBe(502);
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_reset_before_response'));
  });

  it('upstream dies mid-body → the client sees an aborted response, not a clean end', async () => {
    const raw = await startRawUpstream((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it');
        setImmediate(() => socket.destroy());
      }),
    );
    cleanups.push(raw.close);
    const { proxy, sink } = await proxyTo(raw.url);
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get(`${proxy.url}/stream`, { agent: false }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('clean end'));
        res.on('aborted', () => resolve('aborted'));
        res.on('error', () => resolve('aborted'));
      });
      req.on('error', () => resolve('aborted'));
    });
    expect(outcome).toBe('aborted');
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_reset_after_response_started'));
  });

  it('a POST with a body reaches the upstream exactly once, even when it answers 503', async () => {
    let attempts = 0;
    let received = '';
    const up = await upstream((req, res) => {
      attempts++;
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => {
        res.writeHead(503, { 'retry-after': '1' });
        res.end('busy');
      });
    });
    const { proxy } = await proxyTo(up.url);
    const res = await request(`${proxy.url}/orders`, {
      method: 'POST',
      body: 'x'.repeat(10_000),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(503);
    expect(received).toHaveLength(10_000);
    expect(attempts).toBe(1);
  });

  it('client keep-alive survives an upstream that closes every connection (Werkzeug, Gunicorn sync)', async () => {
    const up = await upstream((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    const { proxy } = await proxyTo(up.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const ports = new Set<number>();
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${proxy.url}/`, { agent }, (res) => {
          expect(res.headers.connection).not.toBe('close');
          ports.add(res.socket.localPort!);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
      });
    }
    expect(ports.size).toBe(1);
  });

  it('drops a header named in Connection while X-Forwarded-For, Via and traceparent still arrive', async () => {
    let seen: http.IncomingHttpHeaders = {};
    const up = await upstream((req, res) => {
      seen = req.headers;
      res.end('ok');
    });
    const { proxy } = await proxyTo(up.url);
    await request(`${proxy.url}/`, {
      headers: { connection: 'keep-alive, x-secret-hop, x-forwarded-for', 'x-secret-hop': '1', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(seen['x-secret-hop']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.via).toMatch(/^1\.1 hopscope-/);
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(seen['x-request-start']).toMatch(/^t=\d{16}$/);
    expect(seen.host).toBe(new URL(up.url).host);
  });

  it('a client that disconnects aborts the upstream request and ends the span as downstream_disconnect', async () => {
    let upstreamClosed = false;
    let arrived = false;
    const up = await upstream((_req, res) => {
      arrived = true;
      res.on('close', () => (upstreamClosed = true));
    });
    const { proxy, sink } = await proxyTo(up.url);
    const req = http.get(`${proxy.url}/hang`, { agent: false });
    req.on('error', () => {});
    await vi.waitFor(() => expect(arrived).toBe(true));
    req.destroy();
    await vi.waitFor(() => expect(upstreamClosed).toBe(true));
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('downstream_disconnect'));
  });

  it('continues an incoming trace, passes Server-Timing through and adds its own entries', async () => {
    let seenParent = '';
    const up = await upstream((req, res) => {
      seenParent = String(req.headers.traceparent);
      res.setHeader('server-timing', 'view;dur=3.5');
      res.end('ok');
    });
    const { proxy, sink } = await proxyTo(up.url);
    const traceId = 'ab'.repeat(16);
    const res = await request(`${proxy.url}/t`, { headers: { traceparent: `00-${traceId}-${'cd'.repeat(8)}-01` } });
    expect(res.headers['server-timing']).toMatch(/^view;dur=3\.5, proxy;dur=[\d.]+, server;dur=[\d.]+$/);
    expect(seenParent.split('-')[1]).toBe(traceId);
    await vi.waitFor(() => expect(sink.endedHop('server')?.attributes['hopscope.server_timing']).toBe('view;dur=3.5'));
    expect(sink.endedHop('proxy')!.parentSpanId).toBe('cd'.repeat(8));
    expect(seenParent.split('-')[2]).toBe(sink.endedHop('server')!.spanId);
  });

  it('announces the request as started before the upstream has answered (in-flight visibility)', async () => {
    let release: (() => void) | undefined;
    const up = await upstream((_req, res) => {
      release = () => res.end('done');
    });
    const { proxy, sink } = await proxyTo(up.url);
    const pending = request(`${proxy.url}/wait`);
    await vi.waitFor(() => expect(sink.started.map((s) => s.attributes['hopscope.hop'])).toEqual(['proxy', 'server']));
    // The upstream holds the request until released: it must have it first.
    await vi.waitFor(() => expect(release).toBeDefined(), { timeout: 10_000 });
    expect(sink.ended).toHaveLength(0);
    release!();
    expect((await pending).status).toBe(200);
  });

  it('is never an open proxy: absolute-form to another host and CONNECT are refused', async () => {
    let hits = 0;
    const up = await upstream((_req, res) => {
      hits++;
      res.end('ok');
    });
    const { proxy } = await proxyTo(up.url);
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(proxy.port, '127.0.0.1', () => socket.write(text));
        let out = '';
        socket.on('data', (d) => (out += d));
        socket.on('close', () => resolve(out));
        socket.on('error', () => resolve(out));
      });
    expect(await raw('GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')).toMatch(/^HTTP\/1\.1 405/);
    expect(hits).toBe(0);
  });

  it('too many requests in flight → 503 with Retry-After from hopscope itself, an overload span, and service resumes', async () => {
    const waiting: Array<() => void> = [];
    let holding = true;
    const up = await upstream((_req, res) => (holding ? waiting.push(() => res.end('done')) : res.end('done')));
    const { proxy, sink } = await proxyTo(up.url, { maxInFlight: 2 });
    const held = [request(`${proxy.url}/a`), request(`${proxy.url}/b`)];
    await vi.waitFor(() => expect(waiting).toHaveLength(2));
    const refused = await request(`${proxy.url}/c`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toContain('HOPSCOPE_PROXY_OVERLOADED');
    await vi.waitFor(() => expect(sink.endedHop('proxy', '/c')?.attributes['error.type']).toBe('overload'));
    holding = false;
    waiting.forEach((release) => release());
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    await vi.waitFor(async () => expect((await request(`${proxy.url}/d`)).status).toBe(200));
  });
});
