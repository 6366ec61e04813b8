import { Pool } from 'undici';

export interface DriveResult {
  sent: number;
  /** Responses other than 2xx, and requests that failed outright. */
  errors: number;
  statuses: Record<number, number>;
  /** First few failure messages, for the report. */
  failures: string[];
  elapsedMs: number;
}

/**
 * Sends GET requests to `url` over keep-alive connections with at most
 * `concurrency` in flight, until `count` were sent or `deadlineMs` passed —
 * bounded in count and in time, whichever comes first.
 */
export async function driveRequests(
  url: string,
  options: { count: number; concurrency: number; deadlineMs: number; path?: (i: number) => string },
): Promise<DriveResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: options.concurrency, pipelining: 1 });
  const result: DriveResult = { sent: 0, errors: 0, statuses: {}, failures: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = started + options.deadlineMs;
  const path = options.path ?? ((i: number) => `/soak/${i % 100}`);
  const worker = async () => {
    while (result.sent < options.count && performance.now() < deadline) {
      const i = result.sent++;
      try {
        const res = await pool.request({ method: 'GET', path: path(i) });
        await res.body.dump();
        result.statuses[res.statusCode] = (result.statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 300) result.errors++;
      } catch (error) {
        result.errors++;
        if (result.failures.length < 5) result.failures.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.elapsedMs = performance.now() - started;
  await pool.close();
  return result;
}
