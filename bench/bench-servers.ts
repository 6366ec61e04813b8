import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatsSnapshot } from '@hopscope/shared';

/** The processes bench/isolation.ts measures against: the trivial upstream, nginx, and the hub load generator. */
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function child(file: string, args: string[]): ChildProcess {
  return fork(here(file), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
}

export async function startUpstream(): Promise<{ url: string; port: number; stop: () => void }> {
  const upstream = child('./trivial-upstream.ts', []);
  const port = await new Promise<number>((resolve, reject) => {
    upstream.once('message', (m: { port: number }) => resolve(m.port));
    upstream.once('exit', () => reject(new Error('upstream exited')));
  });
  return { url: `http://127.0.0.1:${port}`, port, stop: () => upstream.kill() };
}

/** nginx with one worker in front of the upstream (bench/nginx.conf), in a temporary prefix. */
export async function startNginx(upstreamPort: number): Promise<{ url: string; stop: () => void }> {
  const prefix = mkdtempSync(join(tmpdir(), 'hopscope-nginx-'));
  const port = await freePort();
  const config = readFileSync(here('./nginx.conf'), 'utf8')
    .replaceAll('UPSTREAM_PORT', String(upstreamPort))
    .replaceAll('LISTEN_PORT', String(port));
  writeFileSync(join(prefix, 'nginx.conf'), config);
  const nginx = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(url).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  return {
    url,
    stop: () => {
      nginx.kill('SIGQUIT');
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** The hub's /api/stats, or undefined when it does not answer 200 (a bench must not stop for one bad answer). */
export async function hubStats(hubUrl: string): Promise<StatsSnapshot | undefined> {
  const response = await fetch(`${hubUrl}/api/stats`).catch(() => undefined);
  return response?.ok ? ((await response.json()) as StatsSnapshot) : undefined;
}

/**
 * bench/hub-load.ts against the hub for `seconds`; resolves once the load is on
 * (its first OTLP batch ingested). `ended` gives its summary line.
 */
export async function startHubLoad(hubUrl: string, otlpUrl: string, seconds: number): Promise<{ ended: Promise<string> }> {
  const received = async () => (await hubStats(hubUrl))?.hub.spansReceived ?? 0;
  const before = await received();
  const load = child('./hub-load.ts', [hubUrl, otlpUrl, String(seconds)]);
  let output = '';
  load.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ended = new Promise<string>((resolve) => load.once('close', () => resolve(output.trim().split('\n').at(-1) ?? '')));
  for (let i = 0; i < 300 && (await received()) < before + 4000; i++) await new Promise((r) => setTimeout(r, 100));
  return { ended };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
