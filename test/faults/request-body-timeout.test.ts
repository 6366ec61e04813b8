import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy, type ProxyOptions } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { expectContinueExchange } from '../support/raw-client';
import { startUpstream } from '../support/upstream';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

interface UpstreamView {
  url: string;
  /** How each request the app received ended: 'complete' (its whole body) or 'aborted'. */
  outcomes: string[];
  bodies: number[];
}

/** An app that reads the whole body (after `readDelayMs`) and answers with its length. */
async function readingUpstream(readDelayMs = 0): Promise<UpstreamView> {
  const view: UpstreamView = { url: '', outcomes: [], bodies: [] };
  const up = await startUpstream((req, res) => {
    const start = () => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        view.outcomes.push('complete');
        view.bodies.push(bytes);
        res.end(`got ${bytes}`);
      });
      req.on('close', () => {
        if (!req.complete) view.outcomes.push('aborted');
      });
      req.resume();
    };
    if (readDelayMs > 0) {
      req.pause();
      setTimeout(start, readDelayMs);
    } else start();
  });
  cleanups.push(up.close);
  view.url = up.url;
  return view;
}

async function proxyTo(upstream: string, options: Partial<ProxyOptions> = {}) {
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'app', upstream, sink, ...options });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

/** A raw client that sends the head, then `chunks` one per `everyMs`, and collects the answer until the proxy closes. */
function trickle(port: number, head: string, chunks: string[], everyMs: number): Promise<{ answer: string; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const next = () => {
      const chunk = chunks.shift();
      if (chunk === undefined || socket.destroyed) return;
      socket.write(chunk);
      timer = setTimeout(next, everyMs);
    };
    timer = setTimeout(next, everyMs);
    const guard = setTimeout(() => socket.destroy(), 20_000);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ answer, elapsedMs: Date.now() - started });
    });
  });
}

const head = (length: number) => `POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${length}\r\n\r\n`;

describe('a request body that stalls or trickles is cut off', () => {
  it('no body byte for longer than the idle timeout → 408, the app’s request aborted, the connection closed', async () => {
    const app = await readingUpstream();
    const { proxy, sink } = await proxyTo(app.url, { requestBodyTimeouts: { idleMs: 300 } });
    // Two bytes of ten, then silence (the guard would close after 20 s: the proxy must close first).
    const { answer, elapsedMs } = await trickle(proxy.port, head(10) + 'ab', [], 0);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('HOPSCOPE_PROXY_REQUEST_BODY_TIMEOUT');
    expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n');
    expect(elapsedMs).toBeLessThan(10_000);
    await vi.waitFor(() => expect(app.outcomes).toEqual(['aborted']));
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('request_body_timeout'));
    expect(sink.endedHop('proxy')!.attributes['http.response.status_code']).toBe(408);
    expect(sink.endedHop('server')!.attributes['error.type']).toBe('request_body_timeout');
  });

  it('one byte every 50 ms, below the minimum rate after the grace period → 408, although it never goes idle', async () => {
    const app = await readingUpstream();
    const { proxy, sink } = await proxyTo(app.url, { requestBodyTimeouts: { idleMs: 60_000, graceMs: 300, minBytesPerSecond: 1_000 } });
    const { answer } = await trickle(proxy.port, head(1_000), Array<string>(1_000).fill('x'), 50);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await vi.waitFor(() => expect(app.outcomes).toEqual(['aborted']));
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('request_body_timeout'));
  });

  it('a slow but steady upload above the minimum rate gets through whole', async () => {
    const app = await readingUpstream();
    const { proxy } = await proxyTo(app.url, { requestBodyTimeouts: { idleMs: 300, graceMs: 200, minBytesPerSecond: 1_000 } });
    const chunks = Array<string>(20).fill('y'.repeat(1_024));
    const { answer } = await trickle(proxy.port, head(20 * 1_024).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'), chunks, 25);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.endsWith(`got ${20 * 1_024}`)).toBe(true);
  });

  it('an app that is slow to read a large body is not blamed on the client: the upload completes', async () => {
    // The client sends 16 MiB at once; the app starts reading after 1.5 s, far past the 300 ms idle timeout.
    const app = await readingUpstream(1_500);
    const { proxy } = await proxyTo(app.url, { requestBodyTimeouts: { idleMs: 300, graceMs: 300, minBytesPerSecond: 1_000 } });
    const size = 16 * 1024 * 1024;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${proxy.url}/big`, { method: 'POST', agent: false, headers: { 'content-length': size } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      const block = Buffer.alloc(1024 * 1024, 1);
      let sent = 0;
      const write = () => {
        while (sent < size) {
          sent += block.length;
          if (!req.write(block)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    expect(status).toBe(200);
    expect(app.bodies).toEqual([size]);
  });

  it('Expect: 100-continue: the time the app takes to say 100 does not count against the client', async () => {
    // The app says 100 only after 600 ms, three idle timeouts; the client sends its body when the 100 arrives.
    const up = await startUpstream((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => res.end(`got ${body.length}`));
    });
    cleanups.push(up.close);
    up.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      setTimeout(() => {
        res.writeContinue();
        up.server.emit('request', req, res);
      }, 600);
    });
    const { proxy } = await proxyTo(up.url, { requestBodyTimeouts: { idleMs: 200 } });
    const result = await expectContinueExchange(
      proxy.port,
      'POST /expect HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
      'hello',
    );
    expect(result.received).toMatch(/HTTP\/1\.1 200 /);
    expect(result.received.endsWith('got 5')).toBe(true);
  });
});
