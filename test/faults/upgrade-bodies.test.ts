import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { createProxy, type ProxyHandle } from '@hopscope/proxy';
import { requirePrerequisites, type Prerequisite } from '../support/prerequisites';
import { RecordingSink } from '../support/recording-sink';
import { rawExchange } from '../support/raw-client';
import { startUpstream } from '../support/upstream';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const CURL: Prerequisite = {
  name: 'curl (with HTTP/2)',
  apt: 'curl',
  present: () => spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout?.includes('HTTP2') ?? false,
};
const curl = requirePrerequisites([CURL]);

let proxy: ProxyHandle;
let sink: RecordingSink;
let seen: Seen[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const up = await startUpstream((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.end(`got ${body.length} bytes`);
    });
  });
  cleanups.push(up.close);
  new WebSocketServer({ server: up.server });
  // The app, too, would otherwise keep only the first 1000 header lines.
  up.server.maxHeadersCount = 0;
  sink = new RecordingSink();
  proxy = await createProxy({ target: 'app', upstream: up.url, sink });
  cleanups.push(() => proxy.close());
});
beforeEach(() => {
  seen = [];
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

const raw = (text: string) => rawExchange(proxy.port, text);

/*
 * R8: only a GET with `Upgrade: websocket` becomes a tunnel. Any other request
 * that carries Upgrade is an ordinary request: its body must reach the app
 * (RFC 9110 §7.8 lets a server ignore Upgrade), without the Upgrade fields.
 */
describe('a request that merely looks like an upgrade keeps its body', () => {
  const cases: Array<[string, string]> = [
    [
      'POST with Upgrade: h2c and Content-Length',
      'POST /h2c HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Length: 5\r\n\r\nhello',
    ],
    [
      'POST with Upgrade: h2c and a chunked body',
      'POST /h2c-chunked HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n',
    ],
    [
      'PUT with Upgrade: websocket',
      'PUT /ws-put HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 5\r\n\r\nhello',
    ],
    [
      'GET with Upgrade: websocket and a body',
      'GET /ws-get-body HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 5\r\n\r\nhello',
    ],
    [
      'POST with an unknown upgrade token',
      'POST /tls HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: TLS/1.2\r\nContent-Length: 5\r\n\r\nhello',
    ],
  ];
  for (const [name, text] of cases) {
    it(`${name}: the app gets the 5 bytes, no Upgrade/HTTP2-Settings, and the client its answer`, async () => {
      const answer = await raw(text);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer.endsWith('got 5 bytes')).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.body).toBe('hello');
      expect(seen[0]!.headers.upgrade).toBeUndefined();
      expect(seen[0]!.headers['http2-settings']).toBeUndefined();
      // The client's connection asked to switch protocols; it is closed after the answer rather than reused.
      expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n');
    });
  }

  it('a real WebSocket handshake that says Content-Length: 0 is still tunnelled (101)', async () => {
    const answer = await raw(
      'GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 0\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
    expect(seen).toEqual([]);
  });

  it.skipIf(!curl.ok)(
    `curl --http2 -d to an http:// URL (h2c upgrade with a body): the app gets the body, curl gets the answer${curl.note}`,
    async () => {
      const out = await new Promise<string>((resolve, reject) =>
        execFile('curl', ['-sS', '--http2', '--data-binary', 'from-curl', `${proxy.url}/curl`], { timeout: 10_000 }, (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
      expect(out).toBe('got 9 bytes');
      expect(seen.map((s) => [s.method, s.url, s.body, s.headers.upgrade])).toEqual([['POST', '/curl', 'from-curl', undefined]]);
    },
  );
});

/*
 * Node keeps the first 1000 header lines of a message by default and silently
 * drops the rest from `req.headers`; the framing headers after them were
 * still honoured by the parser, so the body was read and thrown away while
 * the app was told there was none.
 */
describe('headers after very many others still count', () => {
  const many = Array.from({ length: 2100 }, (_, i) => `X-H${i}: v\r\n`).join('');
  it('Content-Length after 2100 headers: the body reaches the app', async () => {
    const answer = await raw(`POST /many-cl HTTP/1.1\r\nHost: localhost\r\n${many}Content-Length: 5\r\nConnection: close\r\n\r\nhello`);
    expect(answer.endsWith('got 5 bytes')).toBe(true);
    expect(seen[0]!.body).toBe('hello');
    expect(seen[0]!.headers['x-h2099']).toBe('v');
  });

  it('Transfer-Encoding: chunked after 2100 headers: the body reaches the app', async () => {
    const answer = await raw(
      `POST /many-te HTTP/1.1\r\nHost: localhost\r\n${many}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
    );
    expect(answer.endsWith('got 5 bytes')).toBe(true);
    expect(seen[0]!.body).toBe('hello');
  });

  it('Connection naming a header, after 2100 headers: that header is still dropped (R1)', async () => {
    await raw(`GET /many-conn HTTP/1.1\r\nHost: localhost\r\nX-Secret: 1\r\n${many}Connection: x-secret, close\r\n\r\n`);
    expect(seen[0]!.headers['x-secret']).toBeUndefined();
  });

  it('a request body after 2100 headers is traced like any other: 200, no error', async () => {
    await raw(`PUT /many-traced HTTP/1.1\r\nHost: localhost\r\n${many}Content-Length: 5\r\nConnection: close\r\n\r\nhello`);
    await vi.waitFor(() => expect(sink.endedHop('proxy', '/many-traced')?.attributes['http.response.status_code']).toBe(200));
  });
});
