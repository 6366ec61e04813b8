import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOPS, type Trace } from '@hopscope/shared';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { getJson, request } from '../support/http';

let stack: RunningHopscope;

beforeAll(async () => {
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 2 });
});
afterAll(async () => {
  await stack?.close();
});

function proxyOf(name: string): string {
  const target = stack.targets.find((t) => t.name === name);
  if (!target) throw new Error(`no target ${name}`);
  return target.proxy;
}

async function traceFor(traceId: string | undefined, predicate: (trace: Trace) => boolean): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const traces = await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=20`);
      const trace = traces.find((t) => (traceId ? t.traceId === traceId : true) && predicate(t));
      if (!trace) throw new Error('trace not there yet');
      return trace;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe('request → proxy → demo target → hub', () => {
  it('lists both demo targets with their proxies', async () => {
    const targets = await getJson<Array<{ name: string; proxy: string }>>(`${stack.hubUrl}/api/targets`);
    expect(targets.map((t) => t.name).sort()).toEqual(['dev', 'workers']);
  });

  for (const target of ['dev', 'workers']) {
    it(`${target}: /items/7 becomes one trace with every hop in order, children inside parents`, async () => {
      const res = await request(`${proxyOf(target)}/items/7`);
      expect(res.status).toBe(200);
      expect(res.body).toContain('7');
      const trace = await traceFor(
        undefined,
        (t) => t.target === target && t.path === '/items/7' && !t.inFlight && t.hops.some((h) => h.hop === 'view' && h.measured),
      );
      expect(trace.route).toBe('/items/:id');
      expect(trace.status).toBe(200);
      expect(trace.method).toBe('GET');
      expect(trace.worker).toMatch(/^\d+$/);

      const names = trace.hops.map((h) => h.hop);
      expect(names).toEqual(['proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response']);
      expect([...names].sort((a, b) => HOPS.indexOf(a) - HOPS.indexOf(b))).toEqual(names);
      for (const hop of trace.hops) {
        expect(hop.duration).toBeGreaterThanOrEqual(0);
        expect(hop.start).toBeGreaterThan(0);
      }
      const hop = (name: string) => trace.hops.find((h) => h.hop === name)!;
      const inside = (child: string, parent: string) => {
        // 3 ms of slack: app and proxy stamp times in different processes, and on a busy
        // 2-core machine the proxy may read the last byte before the app ends its span.
        expect(hop(child).start).toBeGreaterThanOrEqual(hop(parent).start - 3);
        expect(hop(child).start + hop(child).duration).toBeLessThanOrEqual(hop(parent).start + hop(parent).duration + 3);
      };
      inside('server', 'proxy');
      inside('gateway', 'server');
      inside('route', 'gateway');
      inside('view', 'gateway');
      inside('response', 'gateway');
      expect(hop('queue').measured).toBe(false);
      expect(hop('view').measured).toBe(true);
    });
  }

  it('the proxy returns a Server-Timing breakdown to the client', async () => {
    const res = await request(`${proxyOf('dev')}/`);
    expect(res.headers['server-timing']).toMatch(/proxy;dur=/);
  });

  it('an app error is a 500 trace with the exception on the view hop', async () => {
    const res = await request(`${proxyOf('workers')}/error`);
    expect(res.status).toBe(500);
    const trace = await traceFor(undefined, (t) => t.path === '/error' && t.hops.some((h) => h.hop === 'view' && h.measured));
    expect(trace.status).toBe(500);
    expect(trace.error).toBeTruthy();
    const view = trace.hops.find((h) => h.hop === 'view')!;
    expect(view.error?.type).toBeTruthy();
  });

  it('a request in flight is visible before it finishes', async () => {
    const slow = request(`${proxyOf('dev')}/slow?ms=1500`);
    const trace = await traceFor(undefined, (t) => t.path === '/slow' && t.inFlight);
    expect(trace.duration).toBeUndefined();
    expect((await slow).status).toBe(200);
    await traceFor(trace.traceId, (t) => !t.inFlight);
  });

  it('stats count the requests per target', async () => {
    await request(`${proxyOf('workers')}/`);
    await vi.waitFor(
      async () => {
        const stats = await getJson<{ targets: Record<string, { requests: number }> }>(`${stack.hubUrl}/api/stats`);
        expect(stats.targets.workers?.requests ?? 0).toBeGreaterThan(0);
      },
      { timeout: 5_000, interval: 50 },
    );
  });
});
