import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import type { RunningHopscope } from '@hopscope/cli';
import { request } from '../support/http';
import { appsBehindHopscope, fullTrace, hasAppHops, hopOf, startNodeSdkApp, type ChildApp } from './support';

/**
 * A Fastify 5 app (the Node SDK with @fastify/otel, as its README sets it up)
 * and a Koa 3 app with @koa/router (the getting-started setup), each a child
 * process exporting OTLP/HTTP behind a real hopscope.
 */
let stack: RunningHopscope;
const apps: ChildApp[] = [];
let proxy: Record<string, string> = {};

beforeAll(async () => {
  ({ stack, proxy } = await appsBehindHopscope(apps, (otlp) => ({
    fastify: startNodeSdkApp(otlp, './node-sdk-fastify-setup.cjs', 'fastify-app.cjs', { OTEL_BSP_SCHEDULE_DELAY: '100' }),
    koa: startNodeSdkApp(otlp, './node-sdk-setup.cjs', 'koa-app.cjs', { OTEL_BSP_SCHEDULE_DELAY: '100' }),
  })));
}, 90_000);

afterAll(async () => {
  await stack?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('Fastify with @fastify/otel under the official Node SDK, behind hopscope', () => {
  it('GET /items/:id: gateway, derived route, the route handler as view; the hook and the request span in the tree', async () => {
    await request(`${proxy['fastify']}/items/8`);
    const trace = await fullTrace(stack.hubUrl, 'fastify', '/items/8', hasAppHops);
    expect(trace).toMatchObject({ route: '/items/:id', status: 200, stack: 'node' });
    expect(trace.hops.map((h) => h.hop)).toEqual(expect.arrayContaining(['gateway', 'route', 'view']));
    expect(hopOf(trace, 'view')).toMatchObject({ name: 'handler - getItem', source: 'measured' });
    expect(hopOf(trace, 'route').source).toBe('derived');
    const names = trace.spans!.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['request', 'onRequest - stampRequest']));
    expect(trace.spans!.find((s) => s.name === 'onRequest - stampRequest')!.hop).toBeUndefined();
  });

  it('a handler that throws: its exception on the view, the trace error', async () => {
    await request(`${proxy['fastify']}/boom`);
    const trace = await fullTrace(stack.hubUrl, 'fastify', '/boom', hasAppHops);
    expect(trace).toMatchObject({ status: 500, error: 'Error' });
    expect(hopOf(trace, 'view').error).toMatchObject({ type: 'Error', message: 'kaboom' });
  });
});

describe('Koa with @koa/router under the official Node SDK, behind hopscope', () => {
  it('GET /items/:id: gateway, derived route, the router span (the route’s handler) as view, the middleware around it', async () => {
    await request(`${proxy['koa']}/items/9`);
    const trace = await fullTrace(stack.hubUrl, 'koa', '/items/9', hasAppHops);
    expect(trace).toMatchObject({ route: '/items/:id', status: 200, stack: 'node' });
    expect(hopOf(trace, 'view')).toMatchObject({ name: 'router - /items/:id' });
    const middleware = trace.spans!.find((s) => s.name === 'middleware - timing')!;
    expect(middleware.hop).toBeUndefined();
    // Koa's onion: the routed handler runs inside the middleware that awaits next().
    expect(trace.spans!.find((s) => s.hop === 'view')!.parentSpanId).toBe(middleware.spanId);
  });

  it('a route that throws: the exception on the view where it was raised, not on the middleware it passed through', async () => {
    await request(`${proxy['koa']}/boom`);
    const trace = await fullTrace(stack.hubUrl, 'koa', '/boom', hasAppHops);
    expect(trace).toMatchObject({ status: 500, error: 'Error' });
    expect(hopOf(trace, 'view').error).toMatchObject({ type: 'Error', message: 'kaboom' });
    expect(hopOf(trace, 'view').error?.stack).toContain('koa-app.cjs');
  });
});
