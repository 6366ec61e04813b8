import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { expectContinueExchange, rawExchange } from '../support/raw-client';
import { startRawUpstream } from '../support/upstream';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/** A proxy in front of a raw upstream that answers every request with `answer` (and keeps the connection), or hands each connection to `answer`. */
async function proxyToRaw(answer: string | ((socket: net.Socket) => void)) {
  const upstream = await startRawUpstream((socket) =>
    typeof answer === 'string' ? socket.on('data', () => socket.write(answer)) : answer(socket),
  );
  cleanups.push(upstream.close);
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'app', upstream: upstream.url, sink });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

interface Seen {
  informational: Array<{ status: number; headers: http.IncomingHttpHeaders }>;
  status: number;
  body: string;
}

/** node:http as a client sees it: 1xx as 'information' events, then the final response. */
function get(url: string, init: { method?: string; body?: string } = {}): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const seen: Seen = { informational: [], status: 0, body: '' };
    const req = http.request(url, { method: init.method ?? 'GET', agent: false }, (res) => {
      seen.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (seen.body += chunk));
      res.on('end', () => resolve(seen));
      res.on('error', reject);
    });
    req.on('information', (info) => seen.informational.push({ status: info.statusCode, headers: info.headers }));
    req.on('error', reject);
    req.end(init.body);
  });
}

const FINAL = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/* RFC 9110 §15.2: a proxy forwards 1xx responses, then the final one. */
describe('1xx interim responses reach the client before the final response', () => {
  it('103 Early Hints with its Link header, then 200 with its body', async () => {
    const { proxy, sink } = await proxyToRaw(`HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n${FINAL}`);
    const seen = await get(`${proxy.url}/page`);
    expect(seen.informational).toEqual([
      { status: 103, headers: expect.objectContaining({ link: '</style.css>; rel=preload; as=style' }) },
    ]);
    expect([seen.status, seen.body]).toEqual([200, 'ok']);
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['http.response.status_code']).toBe(200));
    expect(sink.endedHop('proxy')!.attributes['error.type']).toBeUndefined();
    expect(sink.endedHop('server')!.attributes['http.response.status_code']).toBe(200);
  });

  it('102 Processing, then 200', async () => {
    const { proxy } = await proxyToRaw(`HTTP/1.1 102 Processing\r\n\r\n${FINAL}`);
    const seen = await get(`${proxy.url}/slow`);
    expect(seen.informational.map((i) => i.status)).toEqual([102]);
    expect([seen.status, seen.body]).toEqual([200, 'ok']);
  });

  it('several 1xx in a row (102, 103, 103), in order, then 200', async () => {
    const { proxy } = await proxyToRaw(
      `HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </b.js>; rel=preload\r\n\r\n${FINAL}`,
    );
    const seen = await get(`${proxy.url}/many`);
    expect(seen.informational.map((i) => [i.status, i.headers.link])).toEqual([
      [102, undefined],
      [103, '</a.js>; rel=preload'],
      [103, '</b.js>; rel=preload'],
    ]);
    expect([seen.status, seen.body]).toEqual([200, 'ok']);
  });

  it('an unsolicited 100 Continue is not a 502: the final response arrives', async () => {
    const { proxy, sink } = await proxyToRaw(`HTTP/1.1 100 Continue\r\n\r\n${FINAL}`);
    const seen = await get(`${proxy.url}/eager`);
    expect([seen.status, seen.body]).toEqual([200, 'ok']);
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['http.response.status_code']).toBe(200));
    expect(sink.endedHop('proxy')!.attributes['error.type']).toBeUndefined();
  });

  it('an unsolicited 100 on a POST with a body: the body reaches the app once, the answer reaches the client', async () => {
    const bodies: string[] = [];
    const { proxy } = await proxyToRaw((socket) => {
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        const [head, body = ''] = text.split('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(head!)?.[1] ?? 0);
        if (body.length < length) return;
        bodies.push(body);
        text = '';
        socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone`);
      });
    });
    const seen = await get(`${proxy.url}/upload`, { method: 'POST', body: 'payload' });
    expect([seen.status, seen.body]).toEqual([201, 'done']);
    expect(bodies).toEqual(['payload']);
  });

  it('an HTTP/1.0 client gets no 1xx (RFC 9110 §15.2), only the final response', async () => {
    const { proxy } = await proxyToRaw(`HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n${FINAL}`);
    const answer = await rawExchange(proxy.port, 'GET /old HTTP/1.0\r\nHost: localhost\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).not.toContain('103');
    expect(answer.endsWith('\r\n\r\nok')).toBe(true);
  });

  it('hop-by-hop fields of a 1xx are not relayed; the proxy keeps serving the connection afterwards', async () => {
    const { proxy } = await proxyToRaw(
      `HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\nConnection: x-secret\r\nX-Secret: 1\r\n\r\n${FINAL}`,
    );
    const answer = await rawExchange(
      proxy.port,
      'GET /one HTTP/1.1\r\nHost: localhost\r\n\r\nGET /two HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    const early = answer.slice(0, answer.indexOf('\r\n\r\n'));
    expect(early).toMatch(/^HTTP\/1\.1 103 Early Hints\r\n/);
    expect(early.toLowerCase()).toContain('link: </s.css>; rel=preload');
    expect(early.toLowerCase()).not.toContain('x-secret');
    expect(answer.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
  });

  it('a 1xx and then a reset before the final response → 502 upstream_reset_before_response', async () => {
    const { proxy, sink } = await proxyToRaw((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n');
        setImmediate(() => socket.destroy());
      }),
    );
    const seen = await get(`${proxy.url}/crash`);
    expect(seen.informational.map((i) => i.status)).toEqual([103]);
    expect(seen.status).toBe(502);
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upstream_reset_before_response'));
  });

  it('Expect: 100-continue: the app sends 100, then 103, then its answer; the client sees all three', async () => {
    const { proxy } = await proxyToRaw((socket) => {
      let sentContinue = false;
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (!sentContinue && text.includes('\r\n\r\n')) {
          sentContinue = true;
          socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        }
        if (text.endsWith('hello')) socket.write(`HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n${FINAL}`);
      });
    });
    const result = await expectContinueExchange(
      proxy.port,
      'POST /up HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
      'hello',
    );
    expect(result.bodySent).toBe(true);
    const statuses = [...result.received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['100', '103', '200']);
    expect(result.received.endsWith('\r\n\r\nok')).toBe(true);
  });
});
