import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import { createProxy, type ProxyHandle } from '@hopscope/proxy';
import type { StatsSnapshot } from '@hopscope/shared';
import { driveRequests } from '../support/drive';
import { getJson } from '../support/http';
import { startUpstream } from '../support/upstream';

// The CI-sized version of bench/soak.ts: many requests through proxy and hub, nothing lost, nothing growing without bound.
const REQUESTS = 20_000;
const MAX_TRACES = 500;
const MIB = 1024 * 1024;

// A full collection before each heap reading, so the growth measured is memory still held, not garbage
// not yet collected (its amount depends on the collector's timing, not on a leak). Vitest workers do not
// start with --expose-gc; V8 lets it be turned on at run time and `gc` read from a fresh context.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

describe('soak (CI size)', () => {
  it(`${REQUESTS} requests: zero errors, the hub's store stays at its bound, heap growth bounded`, { timeout: 90_000 }, async () => {
    const up = await startUpstream((_req, res) => res.end('ok'));
    cleanups.push(up.close);
    const hub: Hub = await createHub({ port: 0, otlpPort: null, maxTraces: MAX_TRACES });
    cleanups.push(() => hub.close());
    const proxy: ProxyHandle = await createProxy({ target: 'app', upstream: up.url, sink: hub.sink });
    cleanups.push(() => proxy.close());
    hub.addTarget({ name: 'app', upstream: up.url, proxy: proxy.url });

    // Warm up (JIT, connections, a full store) before the heap baseline.
    const warm = await driveRequests(proxy.url, { count: 2_000, concurrency: 16, deadlineMs: 30_000 });
    expect(warm.errors).toBe(0);
    collectGarbage();
    const heapBefore = getHeapStatistics().used_heap_size;
    const run = await driveRequests(proxy.url, { count: REQUESTS, concurrency: 16, deadlineMs: 60_000 });
    collectGarbage();
    const heapAfter = getHeapStatistics().used_heap_size;

    expect(run.failures).toEqual([]);
    expect(run.errors).toBe(0);
    expect(run.sent).toBe(REQUESTS);
    expect(hub.store.size).toBeLessThanOrEqual(MAX_TRACES);
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.tracesStored).toBeLessThanOrEqual(MAX_TRACES);
    expect(stats.hub.tracesEvicted).toBeGreaterThanOrEqual(REQUESTS + 2_000 - MAX_TRACES);
    expect(stats.hub.spansDropped).toBe(0);
    // Measured after a full collection (about 1.3 MiB here): a per-request leak of even 512 bytes (20,000 × 512 = 10 MiB) exceeds the bound.
    console.log(
      `soak: ${run.sent} requests in ${(run.elapsedMs / 1000).toFixed(1)} s, heap ${(heapBefore / MIB).toFixed(1)} → ${(heapAfter / MIB).toFixed(1)} MiB`,
    );
    expect(heapAfter - heapBefore).toBeLessThan(8 * MIB);
  });
});
