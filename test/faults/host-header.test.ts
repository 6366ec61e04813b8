import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy, type ProxyOptions } from '@hopscope/proxy';
import { PYTHON } from '@hopscope/cli';
import { RecordingSink } from '../support/recording-sink';
import { request } from '../support/http';
import { closedPort, startUpstream } from '../support/upstream';
import { rawExchange } from '../support/raw-client';
import { FLASK, requirePrerequisites } from '../support/prerequisites';

// The Host reaching the app is predictable, and a DNS-rebinding page's Host is never turned into a local one.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function setup(options: Partial<ProxyOptions> = {}) {
  const seen: Array<{ host?: string; forwardedHost?: string }> = [];
  const up = await startUpstream((req, res) => {
    seen.push({ host: req.headers.host, forwardedHost: req.headers['x-forwarded-host'] as string | undefined });
    res.end('ok');
  });
  cleanups.push(up.close);
  const proxy = await createProxy({ target: 'app', upstream: up.url, sink: new RecordingSink(), ...options });
  cleanups.push(() => proxy.close());
  return { proxy, seen, upstreamHost: new URL(up.url).host, local: `http://127.0.0.1:${proxy.port}` };
}

const raw = rawExchange;

describe('Host header policy', () => {
  it('Host: attacker.example → 403 HOPSCOPE_PROXY_FORBIDDEN_HOST, nothing reaches the app', async () => {
    const { local, seen } = await setup();
    const res = await request(`${local}/admin`, { headers: { host: 'attacker.example' } });
    expect(res.status).toBe(403);
    expect(res.body).toContain('HOPSCOPE_PROXY_FORBIDDEN_HOST');
    const port = await request(`${local}/admin`, { headers: { host: 'attacker.example:8080' } });
    expect(port.status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('a WebSocket upgrade with a foreign Host is refused before the app is dialled', async () => {
    const { proxy, seen } = await setup();
    const answer = await raw(
      proxy.port,
      'GET /ws HTTP/1.1\r\nHost: attacker.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(seen).toEqual([]);
  });

  it('loopback names (any port) are forwarded with Host = the upstream host:port, the original in X-Forwarded-Host', async () => {
    const { local, seen, upstreamHost } = await setup();
    for (const host of ['localhost:8080', 'LOCALHOST', 'app.localhost:1', '127.0.0.1', '127.1.2.3:9', '[::1]:8080']) {
      expect((await request(`${local}/x`, { headers: { host } })).status, host).toBe(200);
    }
    expect(seen.map((s) => s.host)).toEqual(Array(6).fill(upstreamHost));
    expect(seen[0]!.forwardedHost).toBe('localhost:8080');
  });

  it('allowedHosts admits exactly the names listed', async () => {
    const { local, seen } = await setup({ allowedHosts: ['myapp.test'] });
    expect((await request(`${local}/x`, { headers: { host: 'MyApp.test:8080' } })).status).toBe(200);
    expect((await request(`${local}/x`, { headers: { host: 'other.test' } })).status).toBe(403);
    expect((await request(`${local}/x`, { headers: { host: 'myapp.test.attacker.example' } })).status).toBe(403);
    expect(seen).toHaveLength(1);
  });

  it('bound to 0.0.0.0 (docker compose), any Host is forwarded', async () => {
    const { local, seen } = await setup({ host: '0.0.0.0' });
    expect((await request(`${local}/x`, { headers: { host: 'hopscope:8080' } })).status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('HTTP/1.1 without Host → 400, nothing forwarded', async () => {
    const { proxy, seen } = await setup();
    expect(await raw(proxy.port, 'GET /x HTTP/1.1\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(seen).toEqual([]);
  });
});

const APP = `
import sys
from flask import Flask, request
app = Flask(__name__)
@app.route("/host")
def host():
    return request.host
app.run(host="127.0.0.1", port=int(sys.argv[1]))
`;

// Werkzeug is Flask's: this needs python3-flask only, not Gunicorn.
const flask = requirePrerequisites([FLASK]);

describe.skipIf(!flask.ok)(`behind the real Werkzeug dev server${flask.note}`, () => {
  it('the app sees its own 127.0.0.1:port for local names, and never sees attacker.example', async () => {
    const port = await closedPort();
    const child = spawn(PYTHON, ['-c', APP, String(port)], { stdio: 'ignore' });
    cleanups.push(async () => void child.kill('SIGTERM'));
    const upstream = `http://127.0.0.1:${port}`;
    await vi.waitFor(async () => expect((await request(`${upstream}/host`)).status).toBe(200), { timeout: 15_000, interval: 100 });
    const proxy = await createProxy({ target: 'flask', upstream, sink: new RecordingSink() });
    cleanups.push(() => proxy.close());
    const local = await request(`${proxy.url}/host`, { headers: { host: `localhost:${proxy.port}` } });
    expect(local).toMatchObject({ status: 200, body: `127.0.0.1:${port}` });
    const rebinding = await request(`${proxy.url}/host`, { headers: { host: 'attacker.example' } });
    expect(rebinding.status).toBe(403);
    expect(rebinding.body).toContain('HOPSCOPE_PROXY_FORBIDDEN_HOST');
    expect(rebinding.body).not.toContain(String(port));
  });
});
