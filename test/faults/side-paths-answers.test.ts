import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { rawExchange } from '../support/raw-client';
import { startRawUpstream } from '../support/upstream';

/*
 * WebSocket handshakes and `Expect: 100-continue` requests do not go through
 * the connection pool but over node:http connections of their own; the same
 * rules hold there: 1xx are relayed, an invalid answer is a 502
 * upstream_invalid_response, never a tunnel or a hang blamed on the client.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function proxyToRaw(answer: string) {
  const upstream = await startRawUpstream((socket) => socket.once('data', () => socket.write(answer)));
  cleanups.push(upstream.close);
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'app', upstream: upstream.url, sink });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

const WEBSOCKET =
  'GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
const EXPECTING = 'POST /up HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n';

describe('invalid answers on the WebSocket and Expect paths are 502 upstream_invalid_response', () => {
  const cases: Array<[string, string, string]> = [
    [
      'a WebSocket handshake answered 101 to another protocol',
      WEBSOCKET,
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\n',
    ],
    ['a WebSocket handshake answered with status 000', WEBSOCKET, 'HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok'],
    ['a WebSocket handshake answered with status 600', WEBSOCKET, 'HTTP/1.1 600 High\r\nContent-Length: 2\r\n\r\nok'],
    ['a WebSocket handshake answered with a NUL in a header', WEBSOCKET, 'HTTP/1.1 403 No\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nno'],
    ['Expect: 100-continue answered 101', EXPECTING, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\n'],
    ['Expect: 100-continue answered with status 000', EXPECTING, 'HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok'],
    [
      'Expect: 100-continue answered with a 70 KB header',
      EXPECTING,
      `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\nContent-Length: 2\r\n\r\nok`,
    ],
  ];
  for (const [name, request, answer] of cases) {
    it(`${name} → 502, no tunnel, the client not blamed`, async () => {
      const { proxy, sink } = await proxyToRaw(answer);
      const received = await rawExchange(proxy.port, request, 5_000);
      expect(received).toMatch(/^HTTP\/1\.1 502 /);
      expect(received).toContain('HOPSCOPE_PROXY_UPSTREAM_INVALID');
      expect(received).not.toContain('101 Switching');
      await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_invalid_response'));
    });
  }
});

describe('1xx on the WebSocket path', () => {
  it('103 before a refusal: the client sees the 103, then the app’s 403', async () => {
    const { proxy, sink } = await proxyToRaw(
      'HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno',
    );
    const received = await rawExchange(proxy.port, WEBSOCKET);
    expect([...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1])).toEqual(['103', '403']);
    expect(received.toLowerCase()).toContain('link: </s.css>; rel=preload');
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upgrade_rejected'));
  });
});
