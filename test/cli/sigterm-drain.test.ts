import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { startHopscopeProcess } from '../support/bin';
import { request } from '../support/http';
import { startUpstream } from '../support/upstream';

// SIGTERM (what systemd, Docker and CI runners send) stops hopscope gracefully: no new connections, the requests in
// flight finish and are recorded as answered, the recording and the OTLP export get their last spans; a second signal
// stops at once.
let dir: string;
let app: Awaited<ReturnType<typeof startUpstream>>;
let collector: Awaited<ReturnType<typeof startUpstream>>;
const exported: string[] = [];
let releaseSlow: (() => void) | undefined;
let slowArrived!: Promise<void>;
let slowHasArrived!: () => void;
let hangArrived!: Promise<void>;
let hangHasArrived!: () => void;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-drain-'));
  app = await startUpstream((req, res) => {
    if (req.url === '/hang') return hangHasArrived(); // never answers
    if (req.url === '/slow') {
      slowHasArrived();
      // Answers when the test says so, after SIGTERM has been sent.
      releaseSlow = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('finished after SIGTERM');
      return;
    }
    res.end('ok');
  });
  // Stands in for a Collector: OTEL_EXPORTER_OTLP_ENDPOINT points here.
  collector = await startUpstream((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      exported.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
});
afterAll(async () => {
  await app?.close();
  await collector?.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

async function start(record: string) {
  slowArrived = new Promise((resolve) => (slowHasArrived = resolve));
  hangArrived = new Promise((resolve) => (hangHasArrived = resolve));
  const proc = await startHopscopeProcess(
    ['up', '--target', `app=${app.url}`, '--port', '0', '--otlp-port', '0', '--proxy-port', '0', '--record', record],
    /proxy app\s+(http:\/\/\S+)/,
    { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
  );
  child = proc.child;
  const proxy = /proxy app\s+(http:\/\/\S+)/.exec(proc.output())![1]!;
  const exit = new Promise<number | null>((resolve) => proc.child.once('exit', (code) => resolve(code)));
  return { ...proc, proxy, exit };
}

describe('hopscope on SIGTERM', () => {
  it('stops accepting, lets the request in flight finish, records it as answered, flushes the recording and the export, exits 0', async () => {
    const record = join(dir, 'drain.jsonl');
    const { child: proc, proxy, output, exit } = await start(record);
    const inFlight = request(`${proxy}/slow`);
    await slowArrived;
    proc.kill('SIGTERM');
    await vi.waitFor(() => expect(output()).toMatch(/stopping: finishing the requests in flight/), { timeout: 10_000 });
    // No new connections while draining.
    await vi.waitFor(
      async () => {
        const refused = await request(`${proxy}/new`).then(
          () => 'answered',
          (error: NodeJS.ErrnoException) => error.code,
        );
        expect(refused).toBe('ECONNREFUSED');
      },
      { timeout: 10_000, interval: 100 },
    );
    releaseSlow!();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('finished after SIGTERM');
    expect(await exit).toBe(0);

    const recorded = await readFile(record, 'utf8');
    const slowSpans = recorded.split('\n').filter((line) => line.includes('"/slow"'));
    expect(slowSpans.length).toBeGreaterThan(0);
    expect(recorded).not.toContain('downstream_disconnect');
    expect(recorded).toMatch(/"http\.response\.status_code","value":\{"intValue":"?200/);
    expect(exported.join('\n')).toContain('"/slow"');
  }, 60_000);

  it('a second signal exits at once, whatever is still in flight', async () => {
    const { child: proc, proxy, output, exit } = await start(join(dir, 'second.jsonl'));
    const hanging = request(`${proxy}/hang`).catch(() => undefined);
    await hangArrived;
    proc.kill('SIGTERM');
    await vi.waitFor(() => expect(output()).toMatch(/stopping: finishing the requests in flight/), { timeout: 10_000 });
    // Still draining: the hanging request holds the first stop.
    expect(proc.exitCode).toBeNull();
    proc.kill('SIGTERM');
    expect(await exit).toBe(1);
    await hanging;
  }, 60_000);
});
