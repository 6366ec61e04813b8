import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HubConfig } from '@hopscope/server';

const RUNNER = fileURLToPath(new URL('./hub-runner.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface HubProcess {
  url: string;
  otlpUrl: string;
  pid: number;
  child: ChildProcess;
  /** Resident set size now, in bytes (VmRSS). */
  rss(): number;
  /** Peak resident set size so far, in bytes (VmHWM). */
  peakRss(): number;
  stop(): Promise<void>;
}

/** Starts test/support/hub-runner.ts (createHub on port 0) as a child process. */
export function startHubProcess(config: HubConfig = {}, timeoutMs = 30_000): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const status = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0) * 1024;
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin!.end();
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the hub process did not start within ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub process exited with ${code} before it was ready: ${out}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      clearTimeout(timer);
      const { url, otlpUrl } = JSON.parse(line) as { url: string; otlpUrl: string };
      resolve({ url, otlpUrl, pid: child.pid!, child, rss: () => status('VmRSS'), peakRss: () => status('VmHWM'), stop });
    });
  });
}
