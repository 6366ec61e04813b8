import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareSpecSchema, type CompareRun } from '@hopscope/shared';
import { CompareRunner } from './runner';

/**
 * The warning a compare run gives when it gets near the load driver's own
 * ceiling (docs/benchmarks.md): the numbers then measure the driver, not the
 * target. The ceiling is a measurement of this machine, so it is set here
 * (the only part replaced); the load runs for real against a real upstream.
 */
const ceiling = vi.hoisted(() => ({ value: 0 }));
vi.mock('./ceiling', () => ({ measureDriverCeiling: async () => ceiling.value }));

let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(ceilingPerSecond: number): Promise<CompareRun> {
  ceiling.value = ceilingPerSecond;
  const runner = new CompareRunner({
    targets: () => [
      { name: 'a', upstream: url, proxy: url },
      { name: 'b', upstream: url, proxy: url },
    ],
    tracesSince: () => [],
  });
  const started = runner.start(
    compareSpecSchema.parse({ targets: ['a', 'b'], concurrency: 2, requests: 200, durationMs: 2_000, warmupMs: 0 }),
  );
  return vi.waitFor(
    () => {
      const done = runner.get(started.id)!;
      if (done.status === 'running') throw new Error('still running');
      return done;
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe('the ceiling warning', () => {
  it('warns for each target whose throughput is above 70% of the ceiling, naming both numbers', async () => {
    const done = await run(1);
    expect(done.status).toBe('done');
    expect(done.results.every((r) => r.throughput > 0.7)).toBe(true);
    expect(done.warnings).toHaveLength(2);
    for (const [i, name] of ['a', 'b'].entries()) {
      expect(done.warnings[i]).toBe(
        `${name}: ${done.results[i]!.throughput.toFixed(0)} requests/s is near the load driver's own ceiling (1/s here); the numbers may measure the driver, not the target.`,
      );
    }
  });

  it('says nothing when the run stays well below the ceiling', async () => {
    const done = await run(1e9);
    expect(done.status).toBe('done');
    expect(done.warnings).toEqual([]);
  });
});
