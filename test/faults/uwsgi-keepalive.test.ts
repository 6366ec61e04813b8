import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy, type ProxyHandle } from '@hopscope/proxy';
import { RecordingSink } from '../support/recording-sink';
import { requirePrerequisites, UWSGI_PYTHON3 } from '../support/prerequisites';
import { closedPort } from '../support/upstream';

/*
 * Real uWSGI (Debian's uwsgi + uwsgi-plugin-python3) with --http-socket
 * answers HTTP/1.1 without `Connection: close` and then closes the connection.
 * Behind a proxy that reuses upstream connections and never retried, 1–6% of
 * requests got 502 upstream_reset_before_response (none through nginx, which
 * retries such requests). With Go's rule (retry once on a fresh connection a
 * replayable request that failed on a reused one before any answer) there is
 * none, and every resend is visible on its span.
 */
const APP = `
def application(environ, start_response):
    body = ('hello ' + environ.get('PATH_INFO', '')).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
`;

// CI installs uwsgi and uwsgi-plugin-python3 and fails without them; elsewhere skipped with the reason.
const uwsgiPresent = requirePrerequisites([UWSGI_PYTHON3]);
const REQUESTS = 2_000;
const CONCURRENCY = 8;

let uwsgi: ChildProcess;
let proxy: ProxyHandle;
let sink: RecordingSink;
let dir: string;
let log = '';

async function listening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline || uwsgi.exitCode !== null) throw new Error(`uWSGI did not listen on ${port}:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!uwsgiPresent.ok) return;
  dir = mkdtempSync(join(tmpdir(), 'hopscope-uwsgi-'));
  writeFileSync(join(dir, 'app.py'), APP);
  const port = await closedPort();
  uwsgi = spawn(
    'uwsgi',
    [
      '--plugin',
      'python3',
      '--http-socket',
      `127.0.0.1:${port}`,
      '--wsgi-file',
      join(dir, 'app.py'),
      '--processes',
      '2',
      '--disable-logging',
      '--die-on-term',
    ],
    // A process group of its own, so that stopping it reaches the workers too (a worker outlived its master otherwise).
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  uwsgi.stdout!.on('data', (d: Buffer) => (log += d));
  uwsgi.stderr!.on('data', (d: Buffer) => (log += d));
  await listening(port, 20_000);
  sink = new RecordingSink();
  proxy = await createProxy({ target: 'uwsgi', upstream: `http://127.0.0.1:${port}`, sink });
});

afterAll(async () => {
  await proxy?.close();
  if (uwsgi?.pid !== undefined) {
    const exited = uwsgi.exitCode === null ? new Promise((resolve) => uwsgi.once('exit', resolve)) : Promise.resolve();
    signalGroup(uwsgi.pid, 'SIGTERM');
    await exited;
    signalGroup(uwsgi.pid, 'SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The whole group is gone already.
  }
}

describe.skipIf(!uwsgiPresent.ok)(`real uWSGI (--http-socket) behind the proxy${uwsgiPresent.note}`, () => {
  it(
    `${REQUESTS} requests, ${CONCURRENCY} at a time over kept-alive client connections: no 502, every resend recorded`,
    { timeout: 120_000 },
    async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const statuses = new Map<number, number>();
      let next = 0;
      const worker = async () => {
        while (next < REQUESTS) {
          const path = `/r${next++}`;
          const status = await new Promise<number>((resolve) => {
            http
              .get(`${proxy.url}${path}`, { agent }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
                res.on('error', () => resolve(-1));
              })
              .on('error', () => resolve(-1));
          });
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      agent.destroy();
      expect(Object.fromEntries(statuses)).toEqual({ 200: REQUESTS });
      // Each resend is its own CLIENT span with http.request.resend_count = 1, and the request it belongs to still succeeded.
      const resends = sink.ended.filter(
        (s) => s.attributes['hopscope.hop'] === 'server' && s.attributes['http.request.resend_count'] === 1,
      );
      for (const span of resends) expect(span.attributes['http.response.status_code']).toBe(200);
      console.log(`uWSGI: ${REQUESTS} requests, ${resends.length} resent on a fresh connection`);
    },
  );
});
