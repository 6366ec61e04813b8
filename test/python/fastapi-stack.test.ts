import { describe, expect, it, vi } from 'vitest';
import { startGunicornUvicorn, startUvicorn } from '@hopscope/demo';
import type { StatsSnapshot, Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { requirePrerequisites } from '../support/prerequisites';
import { FASTAPI_PYTHONS, finishedTrace, hopOf as hop, hubWithTargets, viewReported } from './pythons';

/**
 * The example FastAPI app (examples/fastapi, instrumented with hopscope_asgi.instrument) under
 * real uvicorn — one process, and --workers 2 — and under Gunicorn's uvicorn workers, behind a
 * real hub and proxies: once with Debian's FastAPI and uvicorn, once with the current releases.
 */
const BLOCK_MS = 200;

for (const under of FASTAPI_PYTHONS) {
  const available = requirePrerequisites([under.needs]);

  describe.skipIf(!available.ok)(`FastAPI on uvicorn and Gunicorn, ${under.label}${available.note}`, () => {
    const stack = hubWithTargets(under.python, (common) => ({
      uvicorn: startUvicorn({ ...common, serviceName: 'uvicorn' }),
      'uvicorn-2': startUvicorn({ ...common, serviceName: 'uvicorn-2', workers: 2 }),
      'gunicorn-uvicorn': startGunicornUvicorn({ ...common, serviceName: 'gunicorn-uvicorn', workers: 2 }),
    }));
    const proxy = stack.proxy;

    for (const target of ['uvicorn', 'uvicorn-2', 'gunicorn-uvicorn']) {
      it(`${target}: /items/{item_id} is traced gateway, route, view, response, in the framework's route syntax`, async () => {
        const res = await request(`${proxy[target]}/items/3`);
        expect(JSON.parse(res.body)).toEqual({ id: 3, name: 'item 3' });
        expect(res.headers['server-timing']).toMatch(/^gateway;dur=[\d.]+, route;dur=[\d.]+, view;dur=[\d.]+(, |$)/);
        const trace = await finishedTrace(stack.hubUrl, target, '/items/3', viewReported);
        expect(trace.hops.map((h) => h.hop)).toEqual(['proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response']);
        expect(trace.route).toBe('/items/{item_id}');
        expect(trace.stack).toBe('asgi');
        expect(trace.status).toBe(200);
        expect(trace.error).toBeUndefined();
        expect(trace.worker).toMatch(/^\d+$/);
        expect(hop(trace, 'view').name).toBe('view read_item');
        expect(hop(trace, 'view').attributes['hopscope.executor']).toBe('event_loop');
        // The app's spans joined the proxy's trace and nest inside its upstream call (3 ms of slack: two processes' clocks).
        expect(hop(trace, 'gateway').start).toBeGreaterThanOrEqual(hop(trace, 'server').start - 3);
      });
    }

    it('the ValueError is the trace’s error, on the view with its stack; 404s are answers, not counted as errors', async () => {
      expect((await request(`${proxy['uvicorn']}/error`)).status).toBe(500);
      expect((await request(`${proxy['uvicorn']}/items/-1`)).status).toBe(404);
      expect((await request(`${proxy['uvicorn']}/no-such-page`)).status).toBe(404);
      const failed = await finishedTrace(stack.hubUrl, 'uvicorn', '/error', viewReported);
      expect(failed.error).toBe('ValueError');
      expect(failed.status).toBe(500);
      expect(hop(failed, 'view').error).toMatchObject({ type: 'ValueError', message: 'no item store configured' });
      expect(hop(failed, 'view').error?.stack).toContain('raise ValueError("no item store configured")');
      const raised404 = await finishedTrace(stack.hubUrl, 'uvicorn', '/items/-1', viewReported);
      const unmatched = await finishedTrace(stack.hubUrl, 'uvicorn', '/no-such-page');
      for (const trace of [raised404, unmatched]) {
        expect(trace.status).toBe(404);
        expect(trace.error).toBeUndefined();
        expect(trace.hops.filter((h) => h.error)).toEqual([]);
      }
      expect(unmatched.route).toBeUndefined();
      expect(unmatched.hops.map((h) => h.hop)).not.toContain('view');
      const stats = await getJson<StatsSnapshot>(`${stack.hubUrl}/api/stats?target=uvicorn`);
      expect(stats.targets.uvicorn!.errors).toBe(1);
    });

    it(`an async def view that blocks ${BLOCK_MS} ms is flagged blocked_event_loop (within 20%), and the request waiting behind it shows the wait`, async () => {
      const waiting = request(`${proxy['uvicorn']}/async?ms=400`);
      await vi.waitFor(async () => {
        const traces = await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=50&target=uvicorn`);
        if (!traces.some((t) => t.path === '/async' && t.hops.some((h) => h.hop === 'server'))) throw new Error('not sent yet');
      });
      await request(`${proxy['uvicorn']}/blocking?ms=${BLOCK_MS}`);
      await waiting;
      const blocker = await finishedTrace(stack.hubUrl, 'uvicorn', '/blocking', (t) => t.findings !== undefined);
      const [finding] = blocker.findings!;
      expect(finding!.kind).toBe('blocked_event_loop');
      const ms = finding!.kind === 'blocked_event_loop' ? finding!.ms : NaN;
      expect(ms).toBeGreaterThanOrEqual(BLOCK_MS * 0.8);
      expect(ms).toBeLessThanOrEqual(BLOCK_MS * 1.2);
      const waiter = await finishedTrace(stack.hubUrl, 'uvicorn', '/async', viewReported);
      expect(waiter.findings).toBeUndefined();
      expect(Number(hop(waiter, 'gateway').attributes['hopscope.loop_wait_ms'])).toBeGreaterThan(BLOCK_MS * 0.8);
    });

    it('a def view runs on a worker thread, an async def on the event loop', async () => {
      await request(`${proxy['uvicorn']}/sync?ms=10`);
      const trace = await finishedTrace(stack.hubUrl, 'uvicorn', '/sync', viewReported);
      expect(hop(trace, 'view').attributes['hopscope.executor']).toBe('thread_pool');
      expect(hop(trace, 'view').attributes['thread.name']).not.toBe('MainThread');
      expect(trace.findings).toBeUndefined();
    });

    for (const target of ['uvicorn-2', 'gunicorn-uvicorn']) {
      it(`${target}: requests spread over both worker processes, one lane (pid) each`, async () => {
        // Each blocks its process's loop, so the other process accepts the next connection.
        await Promise.all(Array.from({ length: 6 }, (_, n) => request(`${proxy[target]}/blocking?ms=150&n=${n}`)));
        const workers = await vi.waitFor(
          async () => {
            const traces = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=200&target=${target}`)).filter(
              (t) => t.path === '/blocking' && t.worker,
            );
            if (traces.length < 6) throw new Error(`${traces.length}/6 traces with a worker`);
            return new Set(traces.map((t) => t.worker));
          },
          { timeout: 20_000, interval: 100 },
        );
        expect(workers.size).toBe(2);
        const stats = await getJson<StatsSnapshot>(`${stack.hubUrl}/api/stats?target=${target}`);
        expect(Object.keys(stats.targets[target]!.workers).sort()).toEqual([...workers].sort());
      });
    }
  });
}
