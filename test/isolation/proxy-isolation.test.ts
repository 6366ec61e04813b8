import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StatsSnapshot, Trace } from '@hopscope/shared';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { createHub, type Hub } from '@hopscope/server';
import { startProxyGroup, type ProxyGroup } from '@hopscope/proxy';
import { getJson } from '../support/http';
import { startChildUpstream, startStalledClient, type StalledClient } from './blocked-hub';

/** Long enough for a child process on a loaded machine; the in-process proxy would use all of it and fail. */
const STALL_LIMIT_MS = 30_000;

let upstream: { url: string; stop: () => void };
let client: StalledClient | undefined;

beforeAll(async () => {
  upstream = await startChildUpstream();
});
afterAll(() => upstream.stop());
afterEach(() => {
  client?.stop();
  client = undefined;
});

describe('the proxies forward on their own thread', () => {
  let stack: RunningHopscope;
  beforeAll(async () => {
    stack = await startHopscope({ targets: [{ name: 'app', url: upstream.url }], port: 0, otlpPort: 0, proxyPort: 0 });
  });
  afterAll(() => stack?.close());

  it('requests through the proxy are answered while the hub thread is stalled, and their traces arrive afterwards', async () => {
    const proxy = stack.targets[0]!.proxy;
    client = startStalledClient(`${proxy}/isolated`, 5);
    const statuses = client.stallUntilAnswered(STALL_LIMIT_MS);
    expect(statuses, 'no answer while the hub thread was stalled: the proxy shares its event loop').toEqual([200, 200, 200, 200, 200]);
    await expect
      .poll(
        async () =>
          (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?target=app`)).filter((t) => t.path === '/isolated' && !t.inFlight).length,
        {
          timeout: 15_000,
        },
      )
      .toBe(5);
  });
});

describe('the span channel to the hub is bounded', () => {
  let hub: Hub;
  let group: ProxyGroup;
  beforeAll(async () => {
    hub = await createHub({ port: 0, otlpPort: null, otlpGrpcPort: null, proxyDropped: () => group.dropped() });
    group = startProxyGroup({ sink: hub.sink, limits: { maxUnacked: 8, maxBatch: 2, flushMs: 1 } });
  });
  afterAll(async () => {
    await group?.close();
    await hub?.close();
  });

  it('while the hub takes nothing, the proxy keeps answering and drops spans beyond the bound, counted in /api/stats', async () => {
    const proxy = await group.add({ target: 'app', upstream: upstream.url });
    hub.addTarget({ name: 'app', upstream: upstream.url, proxy: proxy.url });
    // Each request ends two spans (proxy and server): 20 ends against a bound of 8, so at least 12 are dropped (a start
    // is only sent for a span still in flight after announceMs, and those that are take room from the ends).
    client = startStalledClient(`${proxy.url}/flood`, 10);
    const statuses = client.stallUntilAnswered(STALL_LIMIT_MS);
    expect(statuses).toEqual(Array(10).fill(200));
    await expect
      .poll(async () => (await getJson<StatsSnapshot>(`${hub.url}/api/stats`)).hub.proxyDropped, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(12);
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.spansReceived).toBeLessThanOrEqual(8);
  });
});
