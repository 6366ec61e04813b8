import { execFile } from 'node:child_process';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The slowest request of the run (wrk's Thread Stats "Latency … Max"). */
  maxMs: number;
  errors: number;
}

/**
 * Runs Debian's wrk (an independent load generator, so the numbers are not
 * our own client's) against a loopback URL for a bounded time and parses its
 * `--latency` report.
 */
export function runWrk(url: string, options: { connections: number; seconds: number; threads?: number }): Promise<WrkResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) throw new Error(`benchmarks only load loopback addresses, not ${url}`);
  const args = ['--latency', '-t', String(options.threads ?? 1), '-c', String(options.connections), '-d', `${options.seconds}s`, url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (options.seconds + 30) * 1000 }, (error, stdout) => {
      if (error) return reject(new Error(`wrk failed (is Debian's wrk installed? apt-get install wrk): ${error.message}`));
      resolve(parseWrk(stdout));
    });
  });
}

export function parseWrk(output: string): WrkResult {
  const latency = (label: string) => {
    const match = new RegExp(`^\\s*${label}\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
    if (!match) return NaN;
    return toMs(Number(match[1]), match[2]!);
  };
  const stats = /^\s*Latency\s+([\d.]+(?:us|ms|s))\s+([\d.]+(?:us|ms|s))\s+([\d.]+)(us|ms|s)/m.exec(output);
  const maxMs = stats ? toMs(Number(stats[3]), stats[4]!) : NaN;
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const errors = (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  return { requestsPerSecond: rps ? Number(rps[1]) : NaN, p50Ms: latency('50%'), p99Ms: latency('99%'), maxMs, errors };
}

function toMs(value: number, unit: string): number {
  return unit === 'us' ? value / 1000 : unit === 's' ? value * 1000 : value;
}
