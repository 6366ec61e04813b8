import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { startUpstream } from '../support/upstream';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/** Resolves with the response head as soon as it arrives; the body may never come. */
function headOf(url: string, init: { method?: string } = {}): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', agent: false }, resolve);
    req.on('error', reject);
    cleanups.push(async () => void req.destroy());
    req.end();
  });
}

/** An upstream that sends its headers and then nothing, until the test ends. */
async function stallingUpstream(headers: http.OutgoingHttpHeaders) {
  const up = await startUpstream((_req, res) => {
    res.writeHead(200, headers);
    res.flushHeaders();
  });
  cleanups.push(up.close);
  const proxy = await createProxy({ target: 'app', upstream: up.url, sink: new RecordingSink() });
  cleanups.push(() => proxy.close());
  return proxy;
}

/* The final response's headers go to the client when the app sends them, not with the first body byte. */
describe('response headers are flushed when they arrive', () => {
  it('Server-Sent Events: the client sees 200 text/event-stream before the first event', async () => {
    const proxy = await stallingUpstream({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const res = await headOf(`${proxy.url}/events`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
  });

  it('a chunked response whose body is late: the status is visible at once', async () => {
    const proxy = await stallingUpstream({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const res = await headOf(`${proxy.url}/long-poll`);
    expect(res.statusCode).toBe(200);
  });

  it('a response with Content-Length whose body is late: the status is visible at once', async () => {
    const proxy = await stallingUpstream({ 'content-length': '10' });
    const res = await headOf(`${proxy.url}/slow-body`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('10');
  });
});
