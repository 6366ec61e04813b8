import { fork, type ChildProcess } from 'node:child_process';
import { CONFIG_ENV, type ChildConfig } from './child-process';
import { childEntry } from './package-layout';

export interface DemoConfig {
  /** OTLP/HTTP base URL the demo apps export to (…/v1/traces is appended). */
  otlpEndpoint: string;
  host?: string;
  devPort?: number;
  workersPort?: number;
  /** Worker processes of the `workers` target. */
  workers?: number;
  /** Extra environment for the demo processes, e.g. OTEL_EXPORTER_OTLP_HEADERS with the hub's token. */
  env?: NodeJS.ProcessEnv;
}

export interface DemoHandle {
  targets: Array<{ name: 'dev' | 'workers'; url: string }>;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts the built-in demo targets as child processes: `dev` (one request at
 * a time) and `workers` (a pre-fork master with N workers). Both run the same
 * instrumented app and export their spans over OTLP/HTTP.
 */
export async function startDemo(config: DemoConfig): Promise<DemoHandle> {
  const host = config.host ?? '127.0.0.1';
  const base = { host, otlpEndpoint: config.otlpEndpoint, workers: config.workers ?? 4 };
  const children: ChildProcess[] = [];
  const close = () => Promise.all(children.map(stopChild)).then(() => undefined);
  try {
    const [dev, workers] = await Promise.all([
      startChild('dev-server', { ...base, port: config.devPort ?? 0 }, children, config.env),
      startChild('workers-master', { ...base, port: config.workersPort ?? 0 }, children, config.env),
    ]);
    const url = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return {
      targets: [
        { name: 'dev', url: url(dev) },
        { name: 'workers', url: url(workers) },
      ],
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function startChild(file: string, config: ChildConfig, children: ChildProcess[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const entry = childEntry(file);
  const child = fork(entry.file, [], {
    cwd: entry.cwd,
    execArgv: entry.execArgv,
    env: { ...process.env, ...env, [CONFIG_ENV]: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo ${file} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type === 'ready' && message.port) {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo ${file} exited with code ${code} before it was ready (port ${config.port} in use?)`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
