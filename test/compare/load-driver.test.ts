import { describe, expect, it } from 'vitest';
import { measureDriverCeiling, runLoad } from '@hopscope/server';
import { compareSpecSchema } from '@hopscope/shared';
import { startUpstream } from '../support/upstream';

const spec = (input: Record<string, unknown>) => compareSpecSchema.parse({ targets: ['a', 'b'], warmupMs: 0, ...input });

describe('the compare load driver', () => {
  it('closed loop: N connections, bounded by count, every request measured', async () => {
    const up = await startUpstream((_req, res) => res.end('ok'));
    try {
      const result = await runLoad(up.url, spec({ concurrency: 4, requests: 200, durationMs: 10_000 }));
      expect(result.requests).toBeGreaterThanOrEqual(200);
      expect(result.requests).toBeLessThan(204);
      expect(result.errors).toEqual({});
      expect(result.latency.p50).toBeGreaterThan(0);
      expect(result.latency.p50).toBeLessThanOrEqual(result.latency.p99);
      expect(result.latency.p99).toBeLessThanOrEqual(result.latency.max);
    } finally {
      await up.close();
    }
  });

  it('open loop measures from the intended send time: a 1 s stall pushes p99 above 1 s, where a closed loop hides it', async () => {
    // 100 ms per request, in parallel; a second into the run the server stalls for 1 s.
    let stallUntil = 0;
    const up = await startUpstream((_req, res) => {
      const now = performance.now();
      setTimeout(() => res.end('ok'), Math.max(now, stallUntil) + 100 - now);
    });
    const stallAfterOneSecond = () => setTimeout(() => (stallUntil = performance.now() + 1_000), 1_000);
    try {
      stallAfterOneSecond();
      const open = await runLoad(up.url, spec({ rate: 20, durationMs: 4_000 }));
      stallAfterOneSecond();
      const closed = await runLoad(up.url, spec({ concurrency: 1, durationMs: 4_000 }));
      expect(open.latency.p99).toBeGreaterThan(1_000);
      // A quarter of the open loop's requests fell into the stall; the closed loop sent one then.
      expect(open.latency.p90).toBeGreaterThan(300);
      // The closed loop had one request in flight when the stall came: its max shows it, its p90 does not.
      expect(closed.latency.max).toBeGreaterThan(900);
      expect(closed.latency.p90).toBeLessThan(open.latency.p90);
      expect(closed.latency.p90).toBeLessThan(closed.latency.max / 3);
    } finally {
      await up.close();
    }
  });

  it('measures its own ceiling against a trivial upstream (reported by bench/load-ceiling.ts, not asserted as a speed)', async () => {
    const ceiling = await measureDriverCeiling(500, 16);
    expect(ceiling).toBeGreaterThan(0);
  });
});
