import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { createHub } from '@hopscope/server';
import type { StatsSnapshot, Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { startRawUpstream } from '../support/upstream';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/**
 * An upstream like uWSGI's --http-socket: it answers HTTP/1.1 without
 * `Connection: close`, so the answer says the connection may be reused, and
 * then it drops the connection — here, only when the *second* request arrives
 * on it, so the proxy is sure to have reused it. Every request is logged.
 */
async function closesAfterFirstAnswer() {
  const requests: string[] = [];
  const upstream = await startRawUpstream((socket: net.Socket) => {
    let answered = 0;
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const line = text.slice(0, text.indexOf('\r\n'));
      text = text.slice(end + 4);
      requests.push(line);
      if (answered++ === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst');
      else socket.destroy();
    });
  });
  cleanups.push(upstream.close);
  return { url: upstream.url, requests };
}

async function proxyTo(upstream: string) {
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'app', upstream, sink });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

/** The CLIENT spans (server hop) of one request, in attempt order. */
function attempts(sink: RecordingSink, path: string) {
  const proxySpan = sink.ended.find((s) => s.attributes['hopscope.hop'] === 'proxy' && s.attributes['url.path'] === path);
  return sink.ended
    .filter((s) => s.attributes['hopscope.hop'] === 'server' && s.traceId === proxySpan?.traceId)
    .sort((a, b) => a.startMs - b.startMs);
}

/*
 * Go's net/http Transport rule: a request that fails on a *reused* connection
 * before any byte of the answer came back was most likely never seen by the
 * server (it closed the idle connection as we wrote); if the request can be
 * replayed (idempotent, no body), it is sent once more on a new connection.
 */
describe('an upstream that closes a kept-alive connection without saying so', () => {
  it('a GET that meets the closed connection is sent once more on a fresh one; the trace shows both attempts', async () => {
    const app = await closesAfterFirstAnswer();
    const { proxy, sink } = await proxyTo(app.url);
    expect((await request(`${proxy.url}/one`)).body).toBe('first');
    const second = await request(`${proxy.url}/two`);
    expect(second.status).toBe(200);
    expect(second.body).toBe('first');
    // The upstream saw /two twice: once on the old connection (then dropped it), once on a new one.
    expect(app.requests).toEqual(['GET /one HTTP/1.1', 'GET /two HTTP/1.1', 'GET /two HTTP/1.1']);
    await vi.waitFor(() => expect(attempts(sink, '/two')).toHaveLength(2));
    const [first, retry] = attempts(sink, '/two');
    expect(first!.attributes['error.type']).toBe('upstream_reset_before_response');
    expect(first!.status.code).toBe('error');
    expect(first!.attributes['http.request.resend_count']).toBeUndefined();
    expect(retry!.attributes['http.request.resend_count']).toBe(1);
    expect(retry!.attributes['http.response.status_code']).toBe(200);
    expect(retry!.status.code).toBe('unset');
    const proxySpan = sink.endedHop('proxy', '/two')!;
    expect(proxySpan.attributes['http.response.status_code']).toBe(200);
    expect(proxySpan.attributes['error.type']).toBeUndefined();
  });

  it('on the dashboard: one request, status 200, no error, the server hop drawn from the resend, both attempts in the span tree', async () => {
    const app = await closesAfterFirstAnswer();
    const hub = await createHub({ port: 0, otlpPort: null });
    cleanups.push(() => hub.close());
    const proxy = await createProxy({ target: 'app', upstream: app.url, sink: hub.sink });
    cleanups.push(() => proxy.close());
    await request(`${proxy.url}/one`);
    expect((await request(`${proxy.url}/two`)).status).toBe(200);
    const trace = await vi.waitFor(async () => {
      const found = (await getJson<Trace[]>(`${hub.url}/api/traces`)).find((t) => t.path === '/two' && !t.inFlight);
      if (!found) throw new Error('not there yet');
      return found;
    });
    expect(trace.status).toBe(200);
    expect(trace.error).toBeUndefined();
    const serverHop = trace.hops.find((h) => h.hop === 'server')!;
    expect(serverHop.error).toBeUndefined();
    expect(serverHop.attributes['http.request.resend_count']).toBe(1);
    const full = await getJson<Trace>(`${hub.url}/api/traces/${trace.traceId}`);
    const attemptsInTree = (full.spans ?? []).filter((s) => s.kind === 'client');
    expect(attemptsInTree).toHaveLength(2);
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.targets['app']?.errors ?? 0).toBe(0);
  });

  it('the retry carries its own span as the traceparent parent', async () => {
    const traceparents: string[] = [];
    const upstream = await startRawUpstream((socket: net.Socket) => {
      let answered = 0;
      socket.on('data', (d: Buffer) => {
        traceparents.push(/traceparent: ([^\r]+)/i.exec(d.toString('latin1'))?.[1] ?? '');
        if (answered++ === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else socket.destroy();
      });
    });
    cleanups.push(upstream.close);
    const { proxy, sink } = await proxyTo(upstream.url);
    await request(`${proxy.url}/a`);
    await request(`${proxy.url}/b`);
    await vi.waitFor(() => expect(attempts(sink, '/b')).toHaveLength(2));
    const spanIds = attempts(sink, '/b').map((s) => s.spanId);
    expect(traceparents.slice(1).map((t) => t.split('-')[2])).toEqual(spanIds);
  });

  for (const method of ['HEAD', 'OPTIONS', 'DELETE', 'PUT']) {
    it(`${method} without a body is idempotent: retried once too`, async () => {
      const app = await closesAfterFirstAnswer();
      const { proxy } = await proxyTo(app.url);
      await request(`${proxy.url}/warm`);
      const res = await request(`${proxy.url}/again`, { method });
      expect(res.status).toBe(200);
      expect(app.requests.slice(1)).toEqual([`${method} /again HTTP/1.1`, `${method} /again HTTP/1.1`]);
    });
  }

  it('a POST (not idempotent) is never sent twice: 502 upstream_reset_before_response (R10)', async () => {
    const app = await closesAfterFirstAnswer();
    const { proxy, sink } = await proxyTo(app.url);
    await request(`${proxy.url}/warm`);
    const res = await request(`${proxy.url}/order`, { method: 'POST' });
    expect(res.status).toBe(502);
    expect(app.requests.slice(1)).toEqual(['POST /order HTTP/1.1']);
    await vi.waitFor(() => expect(sink.endedHop('proxy', '/order')?.attributes['error.type']).toBe('upstream_reset_before_response'));
    expect(attempts(sink, '/order')).toHaveLength(1);
  });

  it('a PUT with a body is not replayed (the body was streamed, not kept): one attempt, 502', async () => {
    const app = await closesAfterFirstAnswer();
    const { proxy } = await proxyTo(app.url);
    await request(`${proxy.url}/warm`);
    const res = await request(`${proxy.url}/doc`, { method: 'PUT', body: 'content' });
    expect(res.status).toBe(502);
    expect(app.requests.slice(1)).toEqual(['PUT /doc HTTP/1.1']);
  });

  it('a GET that fails on a fresh connection is not retried: the app really did reset it', async () => {
    const requests: string[] = [];
    const upstream = await startRawUpstream((socket: net.Socket) =>
      socket.once('data', (d: Buffer) => {
        requests.push(d.toString('latin1').split('\r\n')[0]!);
        socket.destroy();
      }),
    );
    cleanups.push(upstream.close);
    const { proxy } = await proxyTo(upstream.url);
    expect((await request(`${proxy.url}/crash`)).status).toBe(502);
    expect(requests).toEqual(['GET /crash HTTP/1.1']);
  });

  it('a GET whose answer had begun when the connection dropped is not retried', async () => {
    const requests: string[] = [];
    const upstream = await startRawUpstream((socket: net.Socket) => {
      let answered = 0;
      socket.on('data', (d: Buffer) => {
        requests.push(d.toString('latin1').split('\r\n')[0]!);
        if (answered++ === 0) return void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        socket.write('HTTP/1.1 200 OK\r\nContent-Le');
        setImmediate(() => socket.destroy());
      });
    });
    cleanups.push(upstream.close);
    const { proxy } = await proxyTo(upstream.url);
    await request(`${proxy.url}/warm`);
    expect((await request(`${proxy.url}/half`)).status).toBe(502);
    expect(requests).toEqual(['GET /warm HTTP/1.1', 'GET /half HTTP/1.1']);
  });

  it('a retry that fails as well ends there: two attempts, 502', async () => {
    const requests: string[] = [];
    let connections = 0;
    const upstream = await startRawUpstream((socket: net.Socket) => {
      const first = connections++ === 0;
      let answered = 0;
      socket.on('data', (d: Buffer) => {
        requests.push(d.toString('latin1').split('\r\n')[0]!);
        if (first && answered++ === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else socket.destroy();
      });
    });
    cleanups.push(upstream.close);
    const { proxy, sink } = await proxyTo(upstream.url);
    await request(`${proxy.url}/warm`);
    expect((await request(`${proxy.url}/doomed`)).status).toBe(502);
    expect(requests).toEqual(['GET /warm HTTP/1.1', 'GET /doomed HTTP/1.1', 'GET /doomed HTTP/1.1']);
    await vi.waitFor(() => expect(attempts(sink, '/doomed')).toHaveLength(2));
    expect(attempts(sink, '/doomed').map((s) => s.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
    expect(sink.endedHop('proxy', '/doomed')!.attributes['error.type']).toBe('upstream_reset_before_response');
  });

  it('keep-alive between client and proxy is unaffected by a retry', async () => {
    const app = await closesAfterFirstAnswer();
    const { proxy } = await proxyTo(app.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const ports = new Set<number>();
    for (const path of ['/k1', '/k2', '/k3']) {
      await new Promise<void>((resolve, reject) =>
        http
          .get(`${proxy.url}${path}`, { agent }, (res) => {
            ports.add(res.socket.localPort!);
            expect(res.statusCode).toBe(200);
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject),
      );
    }
    expect(ports.size).toBe(1);
  });
});
