import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { DemoError } from '../errors';

/**
 * The real Python stack for `hopscope demo --flask` (and the Flask tests):
 * the example app under Flask's development server and under Gunicorn.
 * Debian's python3 is the one that sees python3-flask, so absolute system
 * paths come first.
 */
export const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/flask/', import.meta.url));
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const GUNICORN = existsSync('/usr/bin/gunicorn') ? '/usr/bin/gunicorn' : 'gunicorn';
const READY_TIMEOUT_MS = 20_000;

export function missingPythonPrerequisites(): string[] {
  const missing: string[] = [];
  if (spawnSync(PYTHON, ['-c', 'import flask'], { stdio: 'ignore' }).status !== 0) missing.push('Flask (for python3)');
  if (spawnSync(GUNICORN, ['--version'], { stdio: 'ignore' }).status !== 0) missing.push('gunicorn');
  return missing;
}

export function requirePythonStack(): void {
  const missing = missingPythonPrerequisites();
  if (missing.length === 0) return;
  throw new DemoError(
    'HOPSCOPE_DEMO_PREREQUISITE_MISSING',
    `hopscope demo --flask needs ${missing.join(' and ')}. On Debian or Ubuntu: sudo apt-get install python3-flask gunicorn. ` +
      'Elsewhere: pip install flask gunicorn (then make sure python3 and gunicorn are on PATH).',
  );
}

export interface PythonServer {
  url: string;
  child: ChildProcess;
  /** The last few KiB the server wrote to stderr. */
  log(): string;
  stop(): Promise<void>;
}

export interface PythonServerOptions {
  host?: string;
  otlpEndpoint: string;
  serviceName: string;
  /** Extra environment, e.g. HOPSCOPE_EXPORT=off for a Server-Timing-only app. */
  env?: NodeJS.ProcessEnv;
}

/** The example app on Flask's (threaded) development server. */
export function startFlaskDevServer(options: PythonServerOptions): Promise<PythonServer> {
  return startPython(PYTHON, ['app.py'], options, (host, port) => ({ HOST: host, PORT: String(port) }));
}

/** The example app under `gunicorn -w N` (sync workers); `extraArgs` e.g. ['--preload']. */
export function startGunicorn(options: PythonServerOptions & { workers?: number; extraArgs?: string[] }): Promise<PythonServer> {
  return startPython(GUNICORN, ['-c', 'gunicorn.conf.py', ...(options.extraArgs ?? []), 'app:app'], options, (host, port) => ({
    BIND: `${host}:${port}`,
    GUNICORN_WORKERS: String(options.workers ?? 4),
  }));
}

async function startPython(
  command: string,
  args: string[],
  options: PythonServerOptions,
  listenEnv: (host: string, port: number) => NodeJS.ProcessEnv,
): Promise<PythonServer> {
  const host = options.host ?? '127.0.0.1';
  const port = await freePort(host);
  const child = spawn(command, args, {
    cwd: EXAMPLE_DIR,
    env: {
      ...process.env,
      ...listenEnv(host, port),
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
      OTEL_SERVICE_NAME: options.serviceName,
      PYTHONUNBUFFERED: '1',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = () =>
    new Promise<void>((resolve) => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const url = `http://${host}:${port}`;
  try {
    await waitUntilServing(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, log: () => log, stop };
}

async function waitUntilServing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the Python server exited with ${child.exitCode}:\n${log()}`);
    const ok = await fetch(`${url}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}: the Python server did not answer within ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
