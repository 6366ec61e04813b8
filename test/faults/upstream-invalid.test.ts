import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { request } from '../support/http';
import { rawExchange } from '../support/raw-client';
import { startRawUpstream, startUpstream } from '../support/upstream';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/** A proxy in front of a raw upstream that writes `answer` to the first request and closes. */
async function proxyToRaw(answer: string) {
  const upstream = await startRawUpstream((socket) => socket.once('data', () => socket.end(answer)));
  cleanups.push(upstream.close);
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'app', upstream: upstream.url, sink });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

/*
 * Every one of these answers is not HTTP/1.1 the proxy can forward (RFC 9112
 * §2.2, §4, §5; RFC 9110 §5.5, §15): the client gets 502 and the trace says the
 * app's answer was invalid — not that the app reset the connection, which
 * sends the reader to the wrong log.
 */
const invalid: Array<[string, string]> = [
  ['a NUL byte in a header value', 'HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok'],
  ['a control byte (0x01) in a header value', 'HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 2\r\n\r\nok'],
  ['a 70 KB header', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\nContent-Length: 2\r\n\r\nok`],
  ['status 000', 'HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok'],
  ['status 099', 'HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\nok'],
  ['status 600 (outside 100–599)', 'HTTP/1.1 600 High\r\nContent-Length: 2\r\n\r\nok'],
  ['status 1000', 'HTTP/1.1 1000 High\r\nContent-Length: 2\r\n\r\nok'],
  ['101 to a request that asked for no upgrade', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\n'],
  ['not HTTP at all', 'hello there\r\n\r\n'],
  ['a bad status line', 'HTTP/1.1 abc Nope\r\nContent-Length: 2\r\n\r\nok'],
  ['two spaces before the status', 'HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok'],
  ['a non-numeric Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nok'],
  ['a space before the colon', 'HTTP/1.1 200 OK\r\nX-A : b\r\nContent-Length: 2\r\n\r\nok'],
  ['obs-fold', 'HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 2\r\n\r\nok'],
  ['a bare CR in a header', 'HTTP/1.1 200 OK\r\nX-A: b\rc\r\nContent-Length: 2\r\n\r\nok'],
  ['bare LF line ends', 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok'],
  ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk'],
  [
    'Content-Length with Transfer-Encoding',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  ],
];

describe('an invalid upstream answer is 502 upstream_invalid_response, never a reset', () => {
  for (const [name, answer] of invalid) {
    it(`${name} → 502, HOPSCOPE_PROXY_UPSTREAM_INVALID, nothing of it forwarded`, async () => {
      const { proxy, sink } = await proxyToRaw(answer);
      const res = await request(`${proxy.url}/x`);
      expect(res.status).toBe(502);
      expect(res.body).toContain('HOPSCOPE_PROXY_UPSTREAM_INVALID');
      expect(res.headers['x-a']).toBeUndefined();
      await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_invalid_response'));
      expect(sink.endedHop('server')!.attributes['error.type']).toBe('upstream_invalid_response');
    });
  }

  it('a connection closed with nothing sent is still a reset (upstream_reset_before_response)', async () => {
    const { proxy, sink } = await proxyToRaw('');
    expect((await request(`${proxy.url}/x`)).status).toBe(502);
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_reset_before_response'));
  });

  it('a status line cut short by a close is a reset too: the app went away mid-answer', async () => {
    const { proxy, sink } = await proxyToRaw('HTTP/1.1 200 OK\r\nContent-Le');
    expect((await request(`${proxy.url}/x`)).status).toBe(502);
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_reset_before_response'));
  });
});

describe('OPTIONS * (RFC 9110 §9.3.7) is answered by the proxy', () => {
  it('200 with Allow, Content-Length 0, never a 502, nothing forwarded, the connection stays usable', async () => {
    const hits: string[] = [];
    const up = await startUpstream((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.end('ok');
    });
    cleanups.push(up.close);
    const sink = new RecordingSink();
    const proxy = await createProxy({ target: 'app', upstream: `${up.url}/base`, sink });
    cleanups.push(() => proxy.close());
    const answer = await rawExchange(
      proxy.port,
      'OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\nGET /after HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/\r\nallow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/i);
    expect(answer).toMatch(/\r\ncontent-length: 0\r\n/i);
    // The pipelined request after it is served on the same connection.
    expect(answer.split('HTTP/1.1 200').length - 1).toBe(2);
    expect(hits).toEqual(['GET /base/after']);
    await vi.waitFor(() =>
      expect(sink.ended.find((s) => s.attributes['url.path'] === '*')?.attributes['http.response.status_code']).toBe(200),
    );
  });
});
