import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProxy, PROXY_FAILURES, type ProxyHandle } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { request } from '../support/http';
import { startRawUpstream, startUpstream } from '../support/upstream';
import { rawExchange } from '../support/raw-client';

let proxy: ProxyHandle;
let hits: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const up = await startUpstream((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  cleanups.push(up.close);
  proxy = await createProxy({ target: 'app', upstream: `${up.url}/base`, sink: new RecordingSink() });
  cleanups.push(() => proxy.close());
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** Sends raw bytes to the proxy and returns what came back before it closed (or 2 s passed). */
const raw = (text: string) => rawExchange(proxy.port, text);

describe('requests that must never reach the app', () => {
  const vectors: Array<[string, string]> = [
    [
      'Content-Length and Transfer-Encoding together (smuggling)',
      'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n',
    ],
    ['two different Content-Lengths', 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde'],
    ['Transfer-Encoding where chunked is not last', 'POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n'],
    ['obs-fold (a header continued on the next line)', 'GET /x HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n'],
    ['a space before the colon', 'GET /x HTTP/1.1\r\nHost: a\r\nX-Bad : 1\r\n\r\n'],
    ['a bare CR inside a header value', 'GET /x HTTP/1.1\r\nHost: a\r\nX-Bad: a\rb\r\n\r\n'],
    ['dot segments escaping the base path', 'GET /../secret HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
    ['percent-encoded dot segments', 'GET /%2e%2e/secret HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
    ['an encoded slash next to dots', 'GET /..%2fsecret HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
    // What Fastify's router refused when it routed the proxy's requests (a loopback Host: nothing else would stop them).
    ['a method the proxy does not route (WebDAV PROPFIND)', 'PROPFIND /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
    ['a path whose percent-encoding does not decode', 'GET /a%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
    ['a path with an invalid UTF-8 escape', 'GET /a%ff/b?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
  ];
  for (const [name, text] of vectors) {
    it(`${name} → 400, nothing forwarded, the proxy keeps serving`, async () => {
      hits = [];
      const answer = await raw(text);
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(hits).toEqual([]);
      expect((await request(`${proxy.url}/still-serving`)).status).toBe(200);
      expect(hits).toEqual(['GET /base/still-serving']);
    });
  }
});

it('a query and dotted file names reach the app as sent (only the path is held to those rules)', async () => {
  hits = [];
  expect((await request(`${proxy.url}/static/app.min.js?x=%zz&y=..`)).status).toBe(200);
  expect((await request(`${proxy.url}/a%20b/%2E%2Ehidden`)).status).toBe(200);
  expect(hits).toEqual(['GET /base/static/app.min.js?x=%zz&y=..', 'GET /base/a%20b/%2E%2Ehidden']);
});

describe('malformed upstream responses become 502 and are not forwarded', () => {
  const answers: Array<[string, string]> = [
    ['a bad status line', 'HTTP/1.1 abc Nope\r\nContent-Length: 2\r\n\r\nok'],
    ['conflicting Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk'],
    [
      'Transfer-Encoding together with Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    ],
  ];
  for (const [name, answer] of answers) {
    it(`${name} → 502 HOPSCOPE_PROXY_UPSTREAM_INVALID, error.type upstream_invalid_response (not a reset)`, async () => {
      const upstream = await startRawUpstream((socket) => socket.once('data', () => socket.end(answer)));
      const sink = new RecordingSink();
      const strict = await createProxy({ target: 'bad', upstream: upstream.url, sink });
      try {
        const res = await request(`${strict.url}/`);
        expect(res.status).toBe(502);
        // The catalogue's answer, and none of the upstream's bytes (its body was "ok"/"okk", its reason "Nope").
        expect(JSON.parse(res.body)).toEqual({
          error: 'HOPSCOPE_PROXY_UPSTREAM_INVALID',
          errorType: 'upstream_invalid_response',
          message: PROXY_FAILURES.HOPSCOPE_PROXY_UPSTREAM_INVALID.message,
        });
        expect(res.body).not.toMatch(/"okk?"|Nope/);
        await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_invalid_response'));
        expect(sink.endedHop('server')!.attributes['error.type']).toBe('upstream_invalid_response');
      } finally {
        await strict.close();
        await upstream.close();
      }
    });
  }
});

describe('streaming', () => {
  it('Server-Sent Events reach the client event by event, as the app writes them', async () => {
    let push: ((text: string) => void) | undefined;
    const up = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      push = (text) => res.write(text);
    });
    const sse = await createProxy({ target: 'sse', upstream: up.url, sink: new RecordingSink() });
    try {
      const events: string[] = [];
      const done = new Promise<void>((resolve) => {
        const req = http.get(`${sse.url}/events`, (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => events.push(chunk));
          res.on('close', () => resolve());
        });
        req.on('error', () => resolve());
        cleanups.push(async () => {
          req.destroy();
        });
      });
      await vi.waitFor(() => expect(push).toBeDefined());
      for (const n of [1, 2, 3]) {
        push!(`data: event ${n}\n\n`);
        // Each event arrives before the next is written: nothing waits for the end of the stream.
        await vi.waitFor(() => expect(events.join('')).toContain(`data: event ${n}`));
      }
      void done;
    } finally {
      await sse.close();
      await up.close();
    }
  });
});
