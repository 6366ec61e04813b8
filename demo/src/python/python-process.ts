import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

// Generous: a loaded machine takes tens of seconds to import FastAPI in several processes at once.
const READY_TIMEOUT_MS = 60_000;

export interface PythonServer {
  url: string;
  child: ChildProcess;
  /** How it was started, for a person: "uvicorn --workers 2 under Debian's /usr/bin/python3". */
  description: string;
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
  /** The Python to run (a virtualenv's); by default the first on PATH that has the example's packages, else Debian's. */
  python?: string;
}

export interface Launch {
  command: string;
  args: (port: number, host: string) => string[];
  cwd: string;
  /** Environment naming where to listen, for apps that read it (HOST/PORT, BIND). */
  listenEnv?: (host: string, port: number) => NodeJS.ProcessEnv;
  description: string;
}

/** Starts a Python web server on a free port and resolves once it answers `GET /`. */
export async function startPythonServer(launch: Launch, options: PythonServerOptions): Promise<PythonServer> {
  const host = options.host ?? '127.0.0.1';
  const port = await freePort(host);
  const child = spawn(launch.command, launch.args(port, host), {
    cwd: launch.cwd,
    env: {
      ...process.env,
      ...launch.listenEnv?.(host, port),
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
      OTEL_SERVICE_NAME: options.serviceName,
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: Gunicorn's and `uvicorn --workers`' worker processes are signalled with it, never orphaned.
    detached: true,
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      child.kill(name);
    }
  };
  const killOnExit = () => signal('SIGKILL');
  process.once('exit', killOnExit);
  const stop = () =>
    new Promise<void>((resolve) => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => signal('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        signal('SIGKILL'); // whatever of its group outlived it
        resolve();
      });
      // The server alone: Gunicorn and uvicorn's supervisor stop their workers gracefully themselves.
      child.kill('SIGTERM');
    });
  const url = `http://${host}:${port}`;
  try {
    await waitUntilServing(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, description: launch.description, log: () => log, stop };
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
