import { describe, expect, it } from 'vitest';
import type { Hop, HopName, SpanRecord, Trace } from '@hopscope/shared';
import { assembleTrace } from './assemble';

/**
 * Traces of apps instrumented only by standard OpenTelemetry SDKs, shaped as
 * the real ones arrive (printed from @opentelemetry/sdk-node 0.223 with
 * auto-instrumentations-node 0.81 on Express 4, and from
 * opentelemetry-instrument 0.66b1 on FastAPI): the hub must place them on
 * hops without `hopscope.hop`.
 */
const T0 = 1_795_902_376_078;
const NODE_RESOURCE = {
  'service.name': 'shop',
  'telemetry.sdk.language': 'nodejs',
  'process.runtime.name': 'nodejs',
  'process.pid': 22176,
};
const HTTP = { name: '@opentelemetry/instrumentation-http', version: '0.223.0' };
const EXPRESS = { name: '@opentelemetry/instrumentation-express', version: '0.71.1' };

function span(spanId: string, fields: Partial<SpanRecord>): SpanRecord {
  return {
    traceId: 'a'.repeat(32),
    spanId,
    name: spanId,
    kind: 'internal',
    startMs: T0,
    endMs: T0 + 1,
    attributes: {},
    resource: NODE_RESOURCE,
    status: { code: 'unset' },
    events: [],
    ...fields,
  };
}

/** hopscope's proxy: a SERVER span (proxy) and the CLIENT span (server) the app's SERVER span is a child of. */
function proxySpans(startMs: number, status: number): SpanRecord[] {
  const common = {
    resource: {},
    attributes: { 'hopscope.target': 'shop', 'http.request.method': 'GET', 'url.path': '/items/42', 'http.response.status_code': status },
  };
  return [
    span('proxy', {
      ...common,
      kind: 'server',
      startMs: startMs - 0.2,
      endMs: startMs + 40,
      attributes: { ...common.attributes, 'hopscope.hop': 'proxy' },
    }),
    span('upstream', {
      ...common,
      kind: 'client',
      parentSpanId: 'proxy',
      startMs,
      endMs: startMs + 39,
      attributes: { ...common.attributes, 'hopscope.hop': 'server' },
      // CLIENT spans mark 4xx and 5xx answers ERROR (HTTP semantic conventions).
      status: { code: status >= 400 ? 'error' : 'unset' },
    }),
  ];
}

/** What the official Node SDK sends for GET /items/42 on Express: whole-millisecond starts, sub-millisecond ends. */
function expressSpans(opts: { throws?: boolean; status?: number } = {}): SpanRecord[] {
  const status = opts.status ?? (opts.throws ? 500 : 200);
  const server = span('server', {
    name: 'GET /items/:id',
    kind: 'server',
    parentSpanId: 'upstream',
    scope: HTTP,
    startMs: T0,
    endMs: T0 + 33.482074,
    attributes: { 'http.request.method': 'GET', 'url.path': '/items/42', 'http.route': '/items/:id', 'http.response.status_code': status },
    status: { code: status >= 500 ? 'error' : 'unset' },
  });
  const middleware = (id: string, name: string, start: number) =>
    span(id, {
      name: `middleware - ${name}`,
      parentSpanId: 'server',
      scope: EXPRESS,
      startMs: T0 + start,
      endMs: T0 + start + 0.6,
      attributes: { 'express.name': name, 'express.type': 'middleware' },
    });
  const handler = span('handler', {
    name: 'request handler - /items/:id',
    parentSpanId: 'server',
    scope: EXPRESS,
    startMs: T0 + 15,
    endMs: T0 + 30.5,
    attributes: { 'http.route': '/items/:id', 'express.name': '/items/:id', 'express.type': 'request_handler' },
  });
  if (opts.throws) {
    handler.status = { code: 'error', message: 'kaboom' };
    handler.events = [
      {
        name: 'exception',
        timeMs: T0 + 17,
        attributes: {
          'exception.type': 'Error',
          'exception.message': 'kaboom',
          'exception.stacktrace': 'Error: kaboom\n    at /app/app.cjs:9:32',
        },
      },
    ];
  }
  return [middleware('mw1', 'query', 8), middleware('mw2', 'expressInit', 11), middleware('mw3', 'jsonParser', 13), handler, server];
}

const hopNames = (trace: Trace) => trace.hops.map((h) => h.hop);
const hop = (trace: Trace, name: HopName): Hop => {
  const found = trace.hops.find((h) => h.hop === name);
  if (!found) throw new Error(`no ${name} hop in ${hopNames(trace).join(', ')}`);
  return found;
};

describe('assembling traces of the official Node SDK (Express)', () => {
  it('places the SERVER span on the gateway, the request handler on the view, and derives the route up to the handler', () => {
    const trace = assembleTrace([...proxySpans(T0 + 0.3, 200), ...expressSpans()], T0 + 100)!;
    expect(hopNames(trace)).toEqual(['proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response']);
    expect(trace.route).toBe('/items/:id');
    expect(trace.stack).toBe('node');
    expect(trace.error).toBeUndefined();
    const route = hop(trace, 'route');
    expect(route).toMatchObject({ source: 'derived', measured: false, imprecise: true });
    expect(route.start).toBe(hop(trace, 'gateway').start);
    expect(route.start + route.duration).toBe(T0 + 15);
    expect(hop(trace, 'view')).toMatchObject({ source: 'measured', spanId: 'handler', start: T0 + 15 });
    expect(hop(trace, 'response')).toMatchObject({ source: 'derived', start: T0 + 30.5, imprecise: true });
  });

  it('never draws the gateway before the proxy sent the request: a truncated start is moved up and marked imprecise', () => {
    // The app stamped T0 (Date.now()), the proxy sent the request at T0 + 0.3: a truncation, not a real order.
    const trace = assembleTrace([...proxySpans(T0 + 0.3, 200), ...expressSpans()], T0 + 100)!;
    const server = hop(trace, 'server');
    const gateway = hop(trace, 'gateway');
    expect(gateway.start).toBe(server.start);
    expect(gateway.imprecise).toBe(true);
    expect(gateway.start + gateway.duration).toBeCloseTo(T0 + 33.482074, 3);
    expect(hop(trace, 'queue')).toMatchObject({ duration: 0, imprecise: true, source: 'derived' });
    for (const h of trace.hops) expect(h.duration, h.hop).toBeGreaterThanOrEqual(0);
  });

  it('keeps sub-millisecond apps precise', () => {
    const precise = expressSpans().map((s) => ({ ...s, startMs: s.startMs + 0.25 }));
    const trace = assembleTrace([...proxySpans(T0 + 0.1, 200), ...precise], T0 + 100)!;
    expect(hop(trace, 'queue').imprecise).toBeUndefined();
    expect(hop(trace, 'queue').duration).toBeCloseTo(0.15, 3);
    expect(hop(trace, 'route').imprecise).toBeUndefined();
  });

  it('puts the exception on the view where it was thrown and makes it the trace error', () => {
    const trace = assembleTrace([...proxySpans(T0, 500), ...expressSpans({ throws: true })], T0 + 100)!;
    expect(trace.error).toBe('Error');
    expect(hop(trace, 'view').error).toEqual({ type: 'Error', message: 'kaboom', stack: 'Error: kaboom\n    at /app/app.cjs:9:32' });
    const handler = trace.spans!.find((s) => s.spanId === 'handler')!;
    expect(handler).toMatchObject({ hop: 'view', status: 'error', error: { type: 'Error', message: 'kaboom' } });
    // The proxy's spans marked the 500 ERROR, but a status is not an error of theirs.
    expect(hop(trace, 'proxy').error).toBeUndefined();
    expect(hop(trace, 'server').error).toBeUndefined();
  });

  it('a 404 is an answer, not a failure, even though the proxy CLIENT span says ERROR', () => {
    const trace = assembleTrace([...proxySpans(T0, 404), ...expressSpans({ status: 404 })], T0 + 100)!;
    expect(trace.status).toBe(404);
    expect(trace.error).toBeUndefined();
    expect(trace.hops.filter((h) => h.error)).toEqual([]);
  });

  it('a 5xx without an exception fails the trace with its status code, as HTTP semantic conventions name it', () => {
    const trace = assembleTrace([...proxySpans(T0, 503), ...expressSpans({ status: 503 })], T0 + 100)!;
    expect(trace.error).toBe('503');
    expect(hop(trace, 'gateway').error).toEqual({ type: '503' });
  });

  it('keeps every span in the tree: middleware nested under the gateway span, hop spans marked', () => {
    const trace = assembleTrace([...proxySpans(T0, 200), ...expressSpans()], T0 + 100)!;
    expect(trace.spans!.map((s) => s.spanId)).toEqual(['proxy', 'upstream', 'server', 'mw1', 'mw2', 'mw3', 'handler']);
    const middleware = trace.spans!.filter((s) => s.name.startsWith('middleware - '));
    expect(middleware).toHaveLength(3);
    for (const s of middleware) {
      expect(s).toMatchObject({ parentSpanId: 'server', scope: EXPRESS.name, service: 'shop' });
      expect(s.hop).toBeUndefined();
    }
    expect(trace.spans!.find((s) => s.spanId === 'server')).toMatchObject({ hop: 'gateway', kind: 'server' });
  });

  it('a router span starts the route hop, which lasts until the handler starts (Express ends router spans at once)', () => {
    const router = span('router', {
      name: 'router - /items',
      parentSpanId: 'server',
      scope: EXPRESS,
      startMs: T0 + 12,
      endMs: T0 + 12.01,
      attributes: { 'express.name': 'router', 'express.type': 'router' },
    });
    const trace = assembleTrace([...expressSpans(), router], T0 + 100)!;
    expect(hop(trace, 'route')).toMatchObject({ start: T0 + 12, duration: 3, spanId: 'router', source: 'derived' });
  });

  it('takes the route from the SERVER span: a mounted Express router span names only its mount path', () => {
    const spans = expressSpans().map((s) =>
      s.spanId === 'server' ? { ...s, attributes: { ...s.attributes, 'http.route': '/shop/items/:id' } } : s,
    );
    const router = span('router', {
      name: 'router - /items/:id',
      parentSpanId: 'server',
      scope: EXPRESS,
      startMs: T0 + 12,
      attributes: { 'express.type': 'router', 'http.route': '/shop' },
    });
    expect(assembleTrace([...spans, router], T0 + 100)!.route).toBe('/shop/items/:id');
  });

  it('an outgoing call that failed fails the request; one answered 404 (ERROR on a CLIENT span) does not', () => {
    const call = (id: string, fields: Partial<SpanRecord>) =>
      span(id, {
        name: 'GET',
        kind: 'client',
        parentSpanId: 'handler',
        scope: { name: '@opentelemetry/instrumentation-undici' },
        startMs: T0 + 20,
        ...fields,
      });
    const notFound = call('c404', { attributes: { 'http.response.status_code': 404 }, status: { code: 'error' } });
    const fine = assembleTrace([...expressSpans(), notFound], T0 + 100)!;
    expect(fine.error).toBeUndefined();
    expect(fine.spans!.find((s) => s.spanId === 'c404')!.error).toBeUndefined();
    const refused = call('cref', {
      attributes: { 'error.type': 'ECONNREFUSED' },
      status: { code: 'error', message: 'connect ECONNREFUSED 127.0.0.1:9' },
    });
    const failed = assembleTrace([...expressSpans(), refused], T0 + 100)!;
    expect(failed.error).toBe('ECONNREFUSED');
    expect(failed.spans!.find((s) => s.spanId === 'cref')!.error).toEqual({
      type: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it('places spans by their attributes when the scope is unknown (a vendor fork, a recording without scopes)', () => {
    const spans = expressSpans().map(({ scope: _scope, ...s }) => s);
    const trace = assembleTrace(spans, T0 + 100)!;
    expect(hopNames(trace)).toEqual(['gateway', 'route', 'view', 'response']);
    expect(trace.stack).toBe('node');
  });

  it('assembles the same trace whatever order the spans arrive in, and a partial one meanwhile', () => {
    const all = [...proxySpans(T0 + 0.3, 200), ...expressSpans()];
    const early = assembleTrace(all.slice(0, 2), T0 + 100)!;
    expect(hopNames(early)).toEqual(['proxy', 'server']);
    const forward = assembleTrace(all, T0 + 100);
    const backward = assembleTrace([...all].reverse(), T0 + 100);
    expect(backward).toEqual(forward);
  });
});

describe('assembling traces of the official Python SDK (ASGI)', () => {
  const PY = { 'service.name': 'api', 'telemetry.sdk.language': 'python' };
  const FASTAPI = { name: 'opentelemetry.instrumentation.fastapi', version: '0.66b1' };
  const spans = [
    span('srv', {
      name: 'GET /boom',
      kind: 'server',
      scope: FASTAPI,
      resource: PY,
      startMs: T0 + 0.534,
      endMs: T0 + 15.417,
      attributes: { 'http.method': 'GET', 'http.target': '/boom?x=1', 'http.route': '/boom', 'http.status_code': 500 },
      status: { code: 'error' },
      events: [{ name: 'exception', timeMs: T0 + 15.3, attributes: { 'exception.type': 'ValueError', 'exception.message': 'kaboom' } }],
    }),
    span('send1', {
      name: 'GET /boom http send',
      parentSpanId: 'srv',
      scope: FASTAPI,
      resource: PY,
      startMs: T0 + 14.071,
      endMs: T0 + 14.163,
      attributes: { 'asgi.event.type': 'http.response.start', 'http.status_code': 500 },
      status: { code: 'error' },
    }),
    span('send2', {
      name: 'GET /boom http send',
      parentSpanId: 'srv',
      scope: FASTAPI,
      resource: PY,
      startMs: T0 + 15.048,
      endMs: T0 + 15.09,
      attributes: { 'asgi.event.type': 'http.response.body' },
    }),
  ];

  it('maps the SERVER span to the gateway and the http send spans to one response hop, and reads the deprecated HTTP keys', () => {
    const trace = assembleTrace(spans, T0 + 100)!;
    expect(hopNames(trace)).toEqual(['gateway', 'response']);
    expect(hop(trace, 'response')).toMatchObject({ start: T0 + 14.071, source: 'measured', status: 500 });
    expect(hop(trace, 'response').duration).toBeCloseTo(1.019, 3);
    expect(trace).toMatchObject({
      stack: 'asgi',
      method: 'GET',
      path: '/boom',
      route: '/boom',
      status: 500,
      error: 'ValueError',
      target: 'api',
    });
    expect(hop(trace, 'gateway').error).toEqual({ type: 'ValueError', message: 'kaboom' });
    expect(trace.spans!.filter((s) => s.hop === 'response').map((s) => s.spanId)).toEqual(['send1', 'send2']);
  });

  it('invents no view and no route when the framework reports no handler', () => {
    const trace = assembleTrace(spans, T0 + 100)!;
    expect(trace.hops.some((h) => h.hop === 'view' || h.hop === 'route')).toBe(false);
  });
});

describe('an exception below the hops', () => {
  it('is shown on the nearest hop above the span that recorded it', () => {
    const spans = [
      ...expressSpans(),
      span('render', {
        name: 'render item.html',
        parentSpanId: 'handler',
        startMs: T0 + 20,
        endMs: T0 + 21,
        status: { code: 'error' },
        events: [
          {
            name: 'exception',
            timeMs: T0 + 20.5,
            attributes: { 'exception.type': 'TemplateError', 'exception.message': 'no such variable' },
          },
        ],
      }),
    ];
    const trace = assembleTrace(spans, T0 + 100)!;
    expect(hop(trace, 'view').error).toEqual({ type: 'TemplateError', message: 'no such variable' });
    expect(trace.error).toBe('TemplateError');
    const render = trace.spans!.find((s) => s.spanId === 'render')!;
    expect(render.error).toEqual({ type: 'TemplateError', message: 'no such variable' });
    expect(render.hop).toBeUndefined();
  });

  it('on a whole-millisecond tie, the trace error is the innermost exception, not a wrapper that saw it pass', () => {
    const exception = (type: string) => [{ name: 'exception', timeMs: T0 + 20, attributes: { 'exception.type': type } }];
    const spans = [
      ...expressSpans(),
      span('outer', {
        name: 'middleware - errors',
        parentSpanId: 'server',
        startMs: T0 + 9,
        endMs: T0 + 21,
        events: exception('WrappedError'),
      }),
      span('inner', {
        name: 'render item.html',
        parentSpanId: 'handler',
        startMs: T0 + 19,
        endMs: T0 + 20,
        events: exception('TemplateError'),
      }),
    ];
    for (const order of [spans, [...spans].reverse()]) expect(assembleTrace(order, T0 + 100)!.error).toBe('TemplateError');
  });

  it('a span whose parents form a cycle (a hostile export) does not hang the assembly', () => {
    const spans = [
      ...expressSpans(),
      span('x', { parentSpanId: 'y', events: [{ name: 'exception', timeMs: T0, attributes: { 'exception.type': 'Loop' } }] }),
      span('y', { parentSpanId: 'x' }),
    ];
    const trace = assembleTrace(spans, T0 + 100)!;
    expect(hop(trace, 'gateway').error).toEqual({ type: 'Loop' });
  });
});
