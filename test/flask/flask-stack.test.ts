import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFlaskDevServer, startGunicorn, startHopscope, otlpBase, type PythonServer, type RunningHopscope } from '@hopscope/cli';
import type { Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { closedPort } from '../support/upstream';
import { FLASK, GUNICORN_BIN, requirePrerequisites } from '../support/prerequisites';

// CI installs python3-flask and gunicorn (.ci/run) and fails without them; elsewhere these tests say why they are skipped.
const python = requirePrerequisites([FLASK, GUNICORN_BIN]);
const APP_HOPS = ['proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response'];

let stack: RunningHopscope;
const servers: PythonServer[] = [];
const proxy: Record<string, string> = {};

beforeAll(async () => {
  if (!python.ok) return;
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  const otlpEndpoint = otlpBase(stack.otlpUrl);
  const [dev, gunicorn, preload, timingOnly] = await Promise.all([
    startFlaskDevServer({ otlpEndpoint, serviceName: 'flask-dev' }),
    startGunicorn({ otlpEndpoint, serviceName: 'gunicorn', workers: 4 }),
    startGunicorn({ otlpEndpoint, serviceName: 'gunicorn-preload', workers: 2, extraArgs: ['--preload'] }),
    startFlaskDevServer({ otlpEndpoint, serviceName: 'timing-only', env: { HOPSCOPE_EXPORT: 'off' } }),
  ]);
  servers.push(dev, gunicorn, preload, timingOnly);
  const infos = await stack.addTargets([
    { name: 'flask-dev', url: dev.url },
    { name: 'gunicorn', url: gunicorn.url },
    { name: 'preload', url: preload.url },
    { name: 'timing-only', url: timingOnly.url },
  ]);
  for (const info of infos) proxy[info.name] = info.proxy;
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

async function traceOf(
  target: string,
  path: string,
  ready: (t: Trace) => boolean = (t) => t.hops.some((h) => h.hop === 'view' && h.measured),
): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const traces = await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=200&target=${target}`);
      const trace = traces.find((t) => t.path === path && !t.inFlight && ready(t));
      if (!trace) throw new Error(`no finished ${target} ${path} trace yet`);
      return trace;
    },
    { timeout: 15_000, interval: 100 },
  );
}

describe.skipIf(!python.ok)(`real Flask and Gunicorn${python.note}`, () => {
  for (const target of ['flask-dev', 'gunicorn', 'preload']) {
    it(`${target}: the hello app answers through the proxy and /items/<int:item_id> is traced hop by hop`, async () => {
      const hello = await request(`${proxy[target]}/`);
      expect(hello.body).toBe('Hello, Flask World!');
      const res = await request(`${proxy[target]}/items/3`);
      expect(JSON.parse(res.body)).toEqual({ id: 3, name: 'item 3' });
      const trace = await traceOf(target, '/items/3');
      expect(trace.hops.map((h) => h.hop)).toEqual(APP_HOPS);
      expect(trace.route).toBe('/items/<int:item_id>');
      expect(trace.status).toBe(200);
      expect(trace.worker).toMatch(/^\d+$/);
      const hop = (name: string) => trace.hops.find((h) => h.hop === name)!;
      // The app's spans joined the proxy's trace and nest inside the upstream call (3 ms of slack: two processes' clocks).
      expect(hop('gateway').start).toBeGreaterThanOrEqual(hop('server').start - 3);
      expect(hop('view').start + hop('view').duration).toBeLessThanOrEqual(hop('gateway').start + hop('gateway').duration + 1);
    });
  }

  it('a view that raises shows ZeroDivisionError on the view hop and a 500', async () => {
    const res = await request(`${proxy['gunicorn']}/error`);
    expect(res.status).toBe(500);
    const trace = await traceOf('gunicorn', '/error');
    expect(trace.status).toBe(500);
    const view = trace.hops.find((h) => h.hop === 'view')!;
    expect(view.error?.type).toBe('ZeroDivisionError');
    expect(view.error?.message).toBe('division by zero');
    expect(view.error?.stack).toContain('1 / 0');
  });

  it('gunicorn -w 4 spreads concurrent CPU-bound requests over several worker pids', async () => {
    await Promise.all([1, 2, 3, 4].map((n) => request(`${proxy['gunicorn']}/cpu?ms=300&n=${n}`)));
    const traces = await vi.waitFor(
      async () => {
        const all = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=200&target=gunicorn`)).filter(
          (t) => t.path === '/cpu' && t.worker,
        );
        if (all.length < 4) throw new Error('not yet');
        return all;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(new Set(traces.map((t) => t.worker)).size).toBeGreaterThanOrEqual(3);
  });

  it('the threaded dev server overlaps sleeping requests (I/O-bound)', async () => {
    await Promise.all([1, 2, 3].map((n) => request(`${proxy['flask-dev']}/slow?ms=400&n=${n}`)));
    const traces = await vi.waitFor(
      async () => {
        const all = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=200&target=flask-dev`)).filter(
          (t) => t.path === '/slow' && t.hops.some((h) => h.hop === 'view' && h.measured),
        );
        if (all.length < 3) throw new Error('not yet');
        return all;
      },
      { timeout: 15_000, interval: 100 },
    );
    const views = traces.map((t) => t.hops.find((h) => h.hop === 'view')!);
    const latestStart = Math.max(...views.map((v) => v.start));
    const earliestEnd = Math.min(...views.map((v) => v.start + v.duration));
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it('with export off, the Server-Timing header alone gives synthesized app hops', async () => {
    await request(`${proxy['timing-only']}/items/3`);
    const trace = await traceOf('timing-only', '/items/3', (t) => t.hops.some((h) => h.hop === 'view'));
    const view = trace.hops.find((h) => h.hop === 'view')!;
    expect(view.source).toBe('synthesized');
    expect(trace.hops.map((h) => h.hop)).toEqual(['proxy', 'server', 'gateway', 'route', 'view']);
  });

  it('keeps serving every request when the hub is down, and says how many spans it dropped', async () => {
    const offline = await startGunicorn({ otlpEndpoint: `http://127.0.0.1:${await closedPort()}`, serviceName: 'offline', workers: 1 });
    try {
      for (let i = 0; i < 5; i++) expect((await request(`${offline.url}/items/${i}`)).status).toBe(200);
      await vi.waitFor(() => expect(offline.log()).toMatch(/hopscope_wsgi\[\d+\]: cannot export spans to .*; \d+ spans dropped so far/), {
        timeout: 10_000,
        interval: 100,
      });
    } finally {
      await offline.stop();
    }
  });

  it('one sync worker, 8 concurrent sleeping requests: the queue hop is measured and grows request by request', async () => {
    const single = await startGunicorn({ otlpEndpoint: otlpBase(stack.otlpUrl), serviceName: 'single', workers: 1 });
    servers.push(single);
    const [info] = await stack.addTargets([{ name: 'single', url: single.url }]);
    await Promise.all(Array.from({ length: 8 }, (_, n) => request(`${info!.proxy}/slow?ms=100&n=${n}`)));
    const traces = await vi.waitFor(
      async () => {
        const all = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=50&target=single`)).filter((t) =>
          t.hops.some((h) => h.hop === 'queue'),
        );
        if (all.length < 8) throw new Error(`${all.length}/8 traces with a queue hop`);
        return all;
      },
      { timeout: 15_000, interval: 100 },
    );
    const queues = traces.map((t) => t.hops.find((h) => h.hop === 'queue')!.duration).sort((a, b) => a - b);
    for (let i = 1; i < queues.length; i++) expect(queues[i]! - queues[i - 1]!).toBeGreaterThan(80);
    expect(queues.at(-1)!).toBeGreaterThan(7 * 90);
  });

  it('the dashboard API reports gunicorn workers separately', async () => {
    await Promise.all([1, 2, 3, 4].map((n) => request(`${proxy['gunicorn']}/cpu?ms=200&stats=${n}`)));
    await vi.waitFor(
      async () => {
        const stats = await getJson<{ targets: Record<string, { workers: Record<string, { requests: number }> }> }>(
          `${stack.hubUrl}/api/stats?target=gunicorn`,
        );
        expect(Object.keys(stats.targets.gunicorn!.workers).length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
