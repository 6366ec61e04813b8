import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHopscopeProcess } from '../support/bin';
import { request } from '../support/http';

/**
 * `--host 0.0.0.0` binds every listener beyond loopback: the bin warns, and
 * generates a token (unless HOPSCOPE_TOKEN chose one) that the dashboard,
 * the API and the OTLP port then require. The listeners bind 0.0.0.0, but
 * this test only sends traffic to 127.0.0.1.
 */
let upstream: http.Server;
let upstreamUrl: string;
beforeAll(async () => {
  upstream = http.createServer((_req, res) => res.end('app'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const ARGS = ['up', '--target', 'app=URL', '--host', '0.0.0.0', '--port', '0', '--otlp-port', '0', '--proxy-port', '0'];

const stops: Array<() => Promise<number | null>> = [];
afterEach(async () => {
  // Also when an assertion failed before the test's own stop: no hopscope is left running.
  while (stops.length) await stops.pop()!();
});

async function startExposed(env: NodeJS.ProcessEnv = {}) {
  const args = ARGS.map((a) => (a === 'app=URL' ? `app=${upstreamUrl}` : a));
  const running = await startHopscopeProcess(args, /Press Ctrl\+C/, { HOPSCOPE_TOKEN: '', ...env }, 45_000);
  stops.push(running.stop);
  const output = running.output();
  const dashboard = /dashboard\s+http:\/\/0\.0\.0\.0:(\d+)\/\?token=(\S+)/.exec(output);
  const otlp = /OTLP\/HTTP\s+http:\/\/0\.0\.0\.0:(\d+)\/v1\/traces/.exec(output);
  expect(dashboard, output).not.toBeNull();
  expect(otlp, output).not.toBeNull();
  return {
    running,
    output,
    token: dashboard![2]!,
    hub: `http://127.0.0.1:${dashboard![1]}`,
    otlp: `http://127.0.0.1:${otlp![1]}/v1/traces`,
  };
}

describe('hopscope up --host 0.0.0.0', () => {
  it(
    'warns that it is reachable from other machines and prints a generated token that the hub then requires',
    { timeout: 60_000 },
    async () => {
      const { running, output, token, hub, otlp } = await startExposed();
      expect(output).toContain('warning: listening on 0.0.0.0, reachable from other machines');
      expect(output).toContain(`Open the dashboard with ?token=${token}`);
      // Generated: long and random enough not to be guessed (18 random bytes, base64url).
      expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);

      const refused = await request(`${hub}/api/traces`);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body).error).toBe('HOPSCOPE_HUB_UNAUTHORIZED');
      expect((await request(`${hub}/`)).status).toBe(401);
      expect((await request(`${hub}/api/traces?token=${token}`)).status).toBe(200);
      expect((await request(`${hub}/?token=${token}`)).status).toBe(200);

      const otlpPost = (headers: Record<string, string>) =>
        request(otlp, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"resourceSpans":[]}' });
      expect((await otlpPost({})).status).toBe(401);
      expect((await otlpPost({ authorization: `Bearer ${token}` })).status).toBe(200);
      expect(await running.stop()).toBe(0);
    },
  );

  it('uses the token chosen with HOPSCOPE_TOKEN instead of generating one', { timeout: 60_000 }, async () => {
    const { running, token, hub } = await startExposed({ HOPSCOPE_TOKEN: 'chosen-by-me' });
    expect(token).toBe('chosen-by-me');
    expect((await request(`${hub}/api/traces`, { headers: { authorization: 'Bearer chosen-by-me' } })).status).toBe(200);
    expect((await request(`${hub}/api/traces`)).status).toBe(401);
    expect(await running.stop()).toBe(0);
  });
});
