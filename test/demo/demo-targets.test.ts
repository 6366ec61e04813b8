import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import { startDemo, type DemoHandle } from '@hopscope/demo';
import type { Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { closedPort } from '../support/upstream';

let hub: Hub;
let demo: DemoHandle;
const url = (name: string) => demo.targets.find((t) => t.name === name)!.url;

beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0 });
  demo = await startDemo({ otlpEndpoint: hub.otlpUrl.replace(/\/v1\/traces$/, ''), workers: 3 });
});
afterAll(async () => {
  await demo?.close();
  await hub?.close();
});

async function appTraces(path: string, count: number): Promise<Trace[]> {
  return vi.waitFor(
    async () => {
      const traces = (await getJson<Trace[]>(`${hub.url}/api/traces?limit=200`)).filter(
        (t) => t.path === path && t.hops.some((h) => h.hop === 'gateway' && !h.inFlight),
      );
      if (traces.length < count) throw new Error(`${traces.length}/${count} traces`);
      return traces;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe('demo targets', () => {
  it('dev handles one request at a time: the second waits for the first', async () => {
    const [a, b] = await Promise.all([request(`${url('dev')}/slow?ms=300&n=1`), request(`${url('dev')}/slow?ms=300&n=2`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const traces = await appTraces('/slow', 2);
    const gateways = traces.map((t) => t.hops.find((h) => h.hop === 'gateway')!).sort((x, y) => x.start - y.start);
    expect(gateways[1]!.start).toBeGreaterThanOrEqual(gateways[0]!.start + gateways[0]!.duration - 1);
  });

  it('workers spread concurrent requests over distinct worker pids', async () => {
    await Promise.all([1, 2, 3].map((n) => request(`${url('workers')}/cpu?ms=150&n=${n}`)));
    const traces = await appTraces('/cpu', 3);
    expect(new Set(traces.map((t) => t.worker)).size).toBe(3);
  });

  it('a killed worker is replaced by a new pid and requests keep succeeding', async () => {
    await request(`${url('workers')}/items/1`);
    const [first] = await appTraces('/items/1', 1);
    const victim = Number(first!.worker);
    process.kill(victim, 'SIGKILL');
    const pids = new Set<string>();
    await vi.waitFor(
      async () => {
        const res = await request(`${url('workers')}/items/2`);
        expect(res.status).toBe(200);
        const traces = await appTraces('/items/2', 1);
        for (const t of traces) pids.add(t.worker!);
        expect(pids.size).toBeGreaterThan(0);
        expect([...pids].some((pid) => pid !== String(victim))).toBe(true);
      },
      { timeout: 15_000, interval: 200 },
    );
    // Three workers again, none of them the victim.
    await Promise.all([1, 2, 3].map((n) => request(`${url('workers')}/cpu?ms=150&round=2&n=${n}`)));
    expect((await request(`${url('workers')}/`)).status).toBe(200);
  });

  it('keeps serving when the hub is down (telemetry never blocks a request)', async () => {
    const offline = await startDemo({ otlpEndpoint: `http://127.0.0.1:${await closedPort()}`, workers: 1 });
    try {
      for (const target of offline.targets) {
        const res = await request(`${target.url}/items/9`);
        expect(res.status).toBe(200);
        expect(res.body).toContain('"9"');
      }
    } finally {
      await offline.close();
    }
  });
});
