import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Helpers for tests that stall the hub's thread the way a heavy API answer
 * or a big OTLP batch does, and check what a client of the proxy sees
 * meanwhile. The upstream and the client are child processes, so only the
 * hub's (this test's) thread is stalled; they talk to the test through files,
 * which a stalled thread can still read synchronously.
 */
const UPSTREAM = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0)).resume();
`;

/** Waits for a "go" file, sends COUNT sequential GETs to URL, writes their statuses to a "done" file (atomically). */
const CLIENT = `
const fs = require('node:fs');
const [url, dir, count] = process.argv.slice(1);
const poll = setInterval(async () => {
  if (!fs.existsSync(dir + '/go')) return;
  clearInterval(poll);
  const statuses = [];
  for (let i = 0; i < Number(count); i++) {
    const response = await fetch(url).catch(() => undefined);
    if (response) await response.text();
    statuses.push(response ? response.status : 0);
  }
  fs.writeFileSync(dir + '/done.tmp', statuses.join(','));
  fs.renameSync(dir + '/done.tmp', dir + '/done');
  process.exit(0);
}, 5);
`;

export async function startChildUpstream(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`upstream exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

export interface StalledClient {
  /** Stalls this thread until the client has its answers (or `limitMs` passed); returns the statuses, or undefined if none came in time. */
  stallUntilAnswered(limitMs: number): number[] | undefined;
  stop(): void;
}

export function startStalledClient(url: string, count: number): StalledClient {
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-isolation-'));
  const child: ChildProcess = spawn(process.execPath, ['-e', CLIENT, url, dir, String(count)], { stdio: 'inherit' });
  const done = join(dir, 'done');
  return {
    stallUntilAnswered(limitMs) {
      writeFileSync(join(dir, 'go'), '');
      const tick = new Int32Array(new SharedArrayBuffer(4));
      const end = Date.now() + limitMs;
      // Atomics.wait blocks the event loop outright: nothing on this thread runs until the loop ends.
      while (!existsSync(done) && Date.now() < end) Atomics.wait(tick, 0, 0, 5);
      return existsSync(done) ? readFileSync(done, 'utf8').split(',').map(Number) : undefined;
    },
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
