import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { expectContinueExchange } from '../support/raw-client';
import { startRawUpstream, startUpstream } from '../support/upstream';

// R7 (RFC 9110 §10.1.1): the 100 or final status the client sees is the upstream's, never Node's on its behalf.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function proxyTo(upstream: string) {
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'app', upstream, sink });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

/** An upstream whose answer to `Expect: 100-continue` the test chooses (Node calls this instead of answering 100 itself). */
async function upstreamOnContinue(onContinue: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const up = await startUpstream((_req, res) => res.end('no expectation'));
  up.server.on('checkContinue', onContinue);
  cleanups.push(up.close);
  return up;
}

const head = (port: number, extra = '') =>
  `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 5\r\nExpect: 100-continue\r\n${extra}\r\n`;

describe('Expect: 100-continue is answered by the upstream, not by the proxy', () => {
  it('upstream sends 100 then reads the body → the client sees 100, then the echo', async () => {
    const seen: string[] = [];
    const up = await upstreamOnContinue((req, res) => {
      seen.push(`expect=${req.headers.expect}`);
      res.writeContinue();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(`echo:${Buffer.concat(chunks).toString()}`));
    });
    const { proxy, sink } = await proxyTo(up.url);
    const result = await expectContinueExchange(proxy.port, head(proxy.port, 'Connection: close\r\n'), 'hello');
    expect(result.received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(result.received.endsWith('echo:hello')).toBe(true);
    expect(seen).toEqual(['expect=100-continue']);
    await vi.waitFor(() => expect(sink.endedHop('proxy', '/upload')?.attributes['http.response.status_code']).toBe(200));
    const server = sink.endedHop('server', '/upload')!;
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(server.parentSpanId).toBe(sink.endedHop('proxy', '/upload')!.spanId);
  });

  for (const [status, extra] of [
    [417, {}],
    [401, { 'www-authenticate': 'Basic realm="app"' }],
  ] as const) {
    it(`upstream answers ${status} without 100 → the client gets ${status}, no 100, the body is never sent, the connection closes`, async () => {
      let bodyBytes = 0;
      const up = await upstreamOnContinue((req, res) => {
        req.on('data', (c: Buffer) => (bodyBytes += c.length));
        res.writeHead(status, { ...extra, 'content-type': 'text/plain' });
        res.end('refused');
      });
      const { proxy, sink } = await proxyTo(up.url);
      // A keep-alive request: the proxy must close anyway, since the unread body would be parsed as the next request (R13).
      const result = await expectContinueExchange(proxy.port, head(proxy.port), 'hello');
      expect(result.received).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(result.received).not.toContain('100 Continue');
      expect(result.received.toLowerCase()).toContain('connection: close');
      expect(result.bodySent).toBe(false);
      expect(result.closedByServer).toBe(true);
      expect(bodyBytes).toBe(0);
      await vi.waitFor(() => expect(sink.endedHop('proxy', '/upload')?.attributes['http.response.status_code']).toBe(status));
      expect(sink.endedHop('server', '/upload')!.status.code).toBe('error');
    });
  }

  it('an upstream that never sends 100 (HTTP/1.0-like) still gets the body: the proxy says 100 after a wait, then relays the answer', async () => {
    const raw = await startRawUpstream((socket) => {
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end >= 0 && text.length - end - 4 >= 5) {
          const body = text.slice(end + 4, end + 9);
          socket.end(`HTTP/1.0 200 OK\r\nContent-Length: ${5 + body.length}\r\n\r\nlate:${body}`);
        }
      });
    });
    cleanups.push(raw.close);
    const { proxy, sink } = await proxyTo(raw.url);
    const result = await expectContinueExchange(proxy.port, head(proxy.port, 'Connection: close\r\n'), 'hello');
    expect(result.received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(result.received.endsWith('late:hello')).toBe(true);
    await vi.waitFor(() => expect(sink.endedHop('proxy', '/upload')?.endMs).toBeDefined());
  });

  it('upstream down → 502 with the usual error span, and no 100', async () => {
    const up = await startUpstream(() => {});
    const url = up.url;
    await up.close();
    const { proxy, sink } = await proxyTo(url);
    const result = await expectContinueExchange(proxy.port, head(proxy.port), 'hello');
    expect(result.received).toMatch(/^HTTP\/1\.1 502 /);
    expect(result.received).toContain('HOPSCOPE_PROXY_UPSTREAM_REFUSED');
    expect(result.received).not.toContain('100 Continue');
    await vi.waitFor(() => expect(sink.endedHop('proxy', '/upload')?.attributes['error.type']).toBe('upstream_connect_refused'));
  });
});
