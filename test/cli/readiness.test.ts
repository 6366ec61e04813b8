import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOPSCOPE_BIN } from '../support/bin';
import { request, type SimpleResponse } from '../support/http';
import { closedPort } from '../support/upstream';

/**
 * A script that starts `hopscope up` and waits for it before sending traffic:
 * /api/targets lists the configured target from the first answer (not `[]`
 * while the proxies start), and once /healthz says ready, the proxy answers.
 */
const TOKEN = 'readiness-token';
let upstream: http.Server;
let upstreamUrl: string;
let child: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  upstream = http.createServer((_req, res) => res.end('app'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

interface TargetAnswer {
  name: string;
  upstream: string;
  proxy: string;
  state: string;
}

describe('hopscope up: readiness', () => {
  it('lists the target from the first answer, and the proxy answers once /healthz says ready', async () => {
    const port = await closedPort();
    const hub = `http://127.0.0.1:${port}`;
    const args = ['up', '--target', `app=${upstreamUrl}`, '--port', String(port), '--otlp-port', '0', '--proxy-port', '0'];
    child = spawn(process.execPath, [HOPSCOPE_BIN, ...args], {
      env: { ...process.env, HOPSCOPE_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));

    // The first request that gets an answer at all (before that: connection refused).
    const first = await vi.waitFor(() => request(`${hub}/api/targets?token=${TOKEN}`), { timeout: 90_000, interval: 50 });
    expect(first.status, output).toBe(200);
    const listed = JSON.parse(first.body) as TargetAnswer[];
    expect(listed.map((t) => [t.name, t.upstream])).toEqual([['app', upstreamUrl]]);
    expect(['starting', 'ready']).toContain(listed[0]!.state);

    // /healthz: 503 with what it waits for, then 200; no token needed.
    const notReady: SimpleResponse[] = [];
    await expect
      .poll(
        async () => {
          const res = await request(`${hub}/healthz`);
          if (res.status !== 200) notReady.push(res);
          return res.status;
        },
        { timeout: 90_000, interval: 50 },
      )
      .toBe(200);
    for (const res of notReady) {
      expect(res.status).toBe(503);
      const body = JSON.parse(res.body) as { status: string; waitingFor: string[] };
      expect(body.status).toBe('starting');
      expect(body.waitingFor.length).toBeGreaterThan(0);
    }

    // Ready means ready: the proxy listens now, the first request through it is answered.
    const [target] = JSON.parse((await request(`${hub}/api/targets?token=${TOKEN}`)).body) as TargetAnswer[];
    expect(target!.state).toBe('ready');
    const proxied = await request(target!.proxy);
    expect([proxied.status, proxied.body]).toEqual([200, 'app']);

    const health = await request(`${hub}/healthz`);
    expect(JSON.parse(health.body)).toEqual({
      status: 'ready',
      proxies: { starting: 0, ready: 1, failed: 0 },
      receivers: { otlpHttp: 'ready', otlpGrpc: 'ready' },
      waitingFor: [],
    });
    expect(health.headers['cache-control']).toBe('no-store');
    // Without the token /healthz tells nothing about what is behind the proxies; the rest of the API stays closed.
    expect(health.body).not.toContain('app');
    expect(health.body).not.toContain(upstreamUrl);
    expect((await request(`${hub}/api/targets`)).status).toBe(401);
    expect((await request(`${hub}/healthz`, { method: 'HEAD' })).status).toBe(200);

    // The container image's HEALTHCHECK command, as Docker runs it: healthy here, unhealthy where no hub answers.
    expect(dockerHealthcheck(port)).toBe(0);
    expect(dockerHealthcheck(await closedPort())).toBe(1);
  }, 200_000);
});

/** Runs the Dockerfile's HEALTHCHECK CMD (exec form) with HOPSCOPE_PORT set, as inside the image; its exit status. */
function dockerHealthcheck(port: number): number | null {
  const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
  const command = JSON.parse(/^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
  expect(command[0]).toBe('node');
  return spawnSync(process.execPath, command.slice(1), { env: { ...process.env, HOPSCOPE_PORT: String(port) }, timeout: 20_000 }).status;
}
