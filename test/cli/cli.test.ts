import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS } from '@hopscope/cli';
import { runHopscope, startHopscopeProcess } from '../support/bin';
import { request } from '../support/http';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
// The options table: every option is documented once, there (other pages of docs/ link to it).
const OPTIONS_SECTION = README.slice(README.indexOf('\n## Options'), README.indexOf('\n## ', README.indexOf('\n## Options') + 1));

let upstream: http.Server;
let upstreamUrl: string;

beforeAll(async () => {
  upstream = http.createServer((req, res) => res.end(`plain app saw ${req.url}`));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

describe('hopscope --help and the README agree', () => {
  it('--help lists every option, and the README documents each flag and variable', async () => {
    const { code, stdout } = await runHopscope(['--help']);
    expect(code).toBe(0);
    for (const option of OPTIONS) {
      expect(stdout).toContain(`--${option.flag}`);
      expect(OPTIONS_SECTION).toContain(`--${option.flag}`);
      if (option.env) expect(OPTIONS_SECTION).toContain(option.env);
    }
  });
});

describe('errors a user can act on', () => {
  it('a bad target URL says what is wrong and exits non-zero', async () => {
    const { code, stderr } = await runHopscope(['up', '--target', 'app=ftp://example']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('only http:// targets');
    expect(stderr).toContain('NAME=URL');
  });

  it('up without a target explains how to give one', async () => {
    const { code, stderr } = await runHopscope(['up']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--target NAME=URL');
  });

  it('a port in use names the port and the flag that changes it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await runHopscope([
        'up',
        '--target',
        `app=${upstreamUrl}`,
        '--port',
        String(port),
        '--otlp-port',
        '0',
        '--proxy-port',
        '0',
      ]);
      expect(code).not.toBe(0);
      expect(stderr).toContain(String(port));
      expect(stderr).toContain('--port');
    } finally {
      blocker.close();
    }
  });

  it('an unknown flag is refused', async () => {
    const { code, stderr } = await runHopscope(['--frobnicate']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--help');
  });
});

describe('hopscope up in front of an unmodified HTTP server', () => {
  it('prints the URLs, proxies requests and shows proxy/server hops', async () => {
    const running = await startHopscopeProcess(
      ['up', '--target', `app=${upstreamUrl}`, '--port', '0', '--otlp-port', '0', '--proxy-port', '0'],
      /Press Ctrl\+C/,
    );
    try {
      const output = running.output();
      const dashboard = /dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const proxy = /proxy app\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(dashboard).toBeTruthy();
      expect(proxy).toBeTruthy();
      const res = await request(`${proxy}/hello?x=1`);
      expect(res.body).toBe('plain app saw /hello?x=1');
      await expect
        .poll(
          async () => {
            const traces = JSON.parse((await request(`${dashboard}/api/traces?target=app&limit=1`)).body) as Array<{
              path: string;
              hops: Array<{ hop: string }>;
            }>;
            return traces[0] ? [traces[0].path, traces[0].hops.map((h) => h.hop).join(',')] : [];
          },
          { timeout: 10_000, interval: 50 },
        )
        .toEqual(['/hello', 'proxy,server']);
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });
});
