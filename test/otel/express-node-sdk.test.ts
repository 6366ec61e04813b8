import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOPS, type Trace } from '@hopscope/shared';
import type { RunningHopscope } from '@hopscope/cli';
import { request } from '../support/http';
import { appsBehindHopscope, fullTrace, hasAppHops, hopOf, startNodeSdkApp, type ChildApp } from './support';

/**
 * An Express app instrumented only by the official Node SDK, set up as its
 * getting-started guide says (NodeSDK + getNodeAutoInstrumentations, OTLP/HTTP
 * by default), as a child process behind a real hopscope: no `hopscope.hop`
 * anywhere, the hops come from the semantic-conventions mapping.
 */
let stack: RunningHopscope;
const apps: ChildApp[] = [];
let proxy: Record<string, string> = {};

beforeAll(async () => {
  // One app exports every 100 ms; the other keeps every SDK default (a batch each 5 s).
  ({ stack, proxy } = await appsBehindHopscope(apps, (otlp) => ({
    express: startNodeSdkApp(otlp, './node-sdk-setup.cjs', 'express-app.cjs', { OTEL_BSP_SCHEDULE_DELAY: '100' }),
    'express-defaults': startNodeSdkApp(otlp, './node-sdk-setup.cjs', 'express-app.cjs'),
  })));
}, 90_000);

afterAll(async () => {
  await stack?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('Express under the official Node SDK (OTLP/HTTP protobuf), behind hopscope', () => {
  it('GET /items/:id: gateway, route and view hops in order, http.route, stack node, the middleware in the span tree', async () => {
    const res = await request(`${proxy['express']}/items/42`);
    expect(JSON.parse(res.body)).toEqual({ id: 42, name: 'item 42' });
    const trace = await fullTrace(stack.hubUrl, 'express', '/items/42', hasAppHops);

    const names = trace.hops.map((h) => h.hop);
    expect(names).toEqual(expect.arrayContaining(['proxy', 'server', 'queue', 'gateway', 'route', 'view']));
    expect([...names].sort((a, b) => HOPS.indexOf(a) - HOPS.indexOf(b))).toEqual(names);
    expect(trace).toMatchObject({ route: '/items/:id', status: 200, method: 'GET', stack: 'node' });
    expect(trace.error).toBeUndefined();
    expect(hopOf(trace, 'view')).toMatchObject({ source: 'measured', name: 'request handler - /items/:id' });
    // Express reports no routing span for a route on the app itself: derived from the gateway's start to the handler's.
    const route = hopOf(trace, 'route');
    expect(route.source).toBe('derived');
    expect(route.start + route.duration).toBeCloseTo(hopOf(trace, 'view').start, 6);
    // The SDK stamps starts with Date.now(): whole milliseconds, so what is derived from them says it is imprecise,
    // and nothing is drawn before the proxy sent the request or with a negative length.
    expect(hopOf(trace, 'queue').imprecise).toBe(true);
    expect(hopOf(trace, 'gateway').start).toBeGreaterThanOrEqual(hopOf(trace, 'server').start);
    for (const hop of trace.hops) expect(hop.duration, hop.hop).toBeGreaterThanOrEqual(0);

    const spans = trace.spans!;
    const gatewaySpan = spans.find((s) => s.hop === 'gateway')!;
    expect(gatewaySpan).toMatchObject({ kind: 'server', scope: '@opentelemetry/instrumentation-http' });
    const middleware = spans.filter((s) => s.name.startsWith('middleware - '));
    expect(middleware.map((s) => s.name)).toEqual(expect.arrayContaining(['middleware - jsonParser', 'middleware - requestLog']));
    for (const s of middleware) {
      expect(s.parentSpanId).toBe(gatewaySpan.spanId);
      expect(s.hop).toBeUndefined();
    }
    // The proxy's spans and the app's, in one tree: the app's SERVER span is a child of the proxy's upstream call.
    expect(gatewaySpan.parentSpanId).toBe(spans.find((s) => s.hop === 'server')!.spanId);
  });

  it('a handler that throws: its exception (type, message, stack) is the trace error, on the view hop', async () => {
    const res = await request(`${proxy['express']}/boom`);
    expect(res.status).toBe(500);
    const trace = await fullTrace(stack.hubUrl, 'express', '/boom', hasAppHops);
    expect(trace.status).toBe(500);
    expect(trace.error).toBe('Error');
    const view = hopOf(trace, 'view');
    expect(view.error).toMatchObject({ type: 'Error', message: 'kaboom' });
    expect(view.error?.stack).toContain('express-app.cjs');
    expect(trace.spans!.find((s) => s.hop === 'view')).toMatchObject({ status: 'error', error: { type: 'Error', message: 'kaboom' } });
  });

  it('a route on an express.Router: the router span starts the route hop', async () => {
    await request(`${proxy['express']}/shop/items/7`);
    const trace = await fullTrace(stack.hubUrl, 'express', '/shop/items/7', hasAppHops);
    expect(trace.route).toBe('/shop/items/:id');
    const router = trace.spans!.find((s) => s.attributes['express.type'] === 'router')!;
    expect(hopOf(trace, 'route')).toMatchObject({ spanId: router.spanId, start: router.start });
  });

  it('with every SDK default (spans batched for 5 s) the same hops arrive, later', async () => {
    await request(`${proxy['express-defaults']}/items/5`);
    const trace = await fullTrace(stack.hubUrl, 'express-defaults', '/items/5', hasAppHops, 30_000);
    expect(trace).toMatchObject({ route: '/items/:id', stack: 'node' });
    expect(trace.hops.map((h) => h.hop)).toEqual(expect.arrayContaining(['gateway', 'route', 'view']));
  }, 40_000);

  it('the apps logged no failed span export', () => {
    for (const app of apps) expect(app.output()).not.toMatch(/OTLPExporterError|export.*fail/i);
  });
});
