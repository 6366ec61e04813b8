import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createProxy } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { request } from '../support/http';
import { startUpstream } from '../support/upstream';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function echoUpstream(onUpgrade?: (req: http.IncomingMessage, socket: import('node:stream').Duplex) => boolean) {
  const seen: http.IncomingHttpHeaders[] = [];
  const up = await startUpstream((req, res) => {
    seen.push(req.headers);
    res.end('plain');
  });
  const wss = new WebSocketServer({ noServer: true });
  up.server.on('upgrade', (req, socket, head) => {
    seen.push(req.headers);
    if (onUpgrade && !onUpgrade(req, socket)) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('ping', (data) => ws.send(`ping:${data.toString()}`));
      ws.on('message', (data) => {
        if (data.toString() === 'close-me') ws.close(4001, 'custom reason');
      });
    });
  });
  cleanups.push(async () => {
    wss.close();
    await up.close();
  });
  return { url: up.url, seen };
}

async function proxyTo(upstream: string) {
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'ws', upstream, sink });
  cleanups.push(() => proxy.close());
  return { proxy, sink };
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('WebSocket upgrades through the proxy', () => {
  it('relays text, binary, fragmented messages, ping and the close code byte for byte', async () => {
    const up = await echoUpstream();
    const { proxy, sink } = await proxyTo(up.url);
    const ws = await connect(`${proxy.url.replace('http', 'ws')}/socket`);
    const received: Array<{ data: Buffer; binary: boolean }> = [];
    ws.on('message', (data, isBinary) => received.push({ data: data as Buffer, binary: isBinary }));
    ws.send('hello');
    const binary = Buffer.from([0, 1, 2, 255, 254]);
    ws.send(binary);
    ws.send('frag-', { fin: false });
    ws.send('mented', { fin: true });
    ws.ping('p1');
    await vi.waitFor(() => expect(received).toHaveLength(4));
    expect(received[0]).toEqual({ data: Buffer.from('hello'), binary: false });
    expect(received[1]).toEqual({ data: binary, binary: true });
    expect(received[2]!.data.toString()).toBe('frag-mented');
    expect(received[3]!.data.toString()).toBe('ping:p1');
    const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
    ws.send('close-me');
    expect(await closed).toEqual([4001, 'custom reason']);
    expect(up.seen[0]!.upgrade).toBe('websocket');
    expect(up.seen[0]!.traceparent).toMatch(/^00-/);
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['http.response.status_code']).toBe(101));
  });

  it("relays the upstream's refusal with its own status, never a 101 then a close", async () => {
    const up = await echoUpstream((_req, socket) => {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 6\r\nconnection: close\r\n\r\nno way');
      return false;
    });
    const { proxy, sink } = await proxyTo(up.url);
    const outcome = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/private`);
      ws.on('open', () => resolve('open'));
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', (e) => resolve(`error ${e.message}`));
    });
    expect(outcome).toBe('403');
    await vi.waitFor(() => expect(sink.endedHop('proxy')?.attributes['error.type']).toBe('upgrade_rejected'));
  });

  it('does not forward other upgrade tokens (h2c): the request is served as plain HTTP', async () => {
    const up = await echoUpstream();
    const { proxy } = await proxyTo(up.url);
    const res = await request(`${proxy.url}/plain`, {
      headers: { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('plain');
    expect(up.seen[0]!.upgrade).toBeUndefined();
    expect(up.seen[0]!['http2-settings']).toBeUndefined();
  });
});
