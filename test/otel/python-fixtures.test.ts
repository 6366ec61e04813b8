import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackKind, Trace } from '@hopscope/shared';
import { createHub, type Hub } from '@hopscope/server';
import { getJson } from '../support/http';

/**
 * What the official OpenTelemetry Python SDK sends for Flask, Django,
 * FastAPI (ASGI) and a bare WSGI app, recorded by
 * test/fixtures/otel-python/capture.py (see its README): each export posted
 * to a real hub as the SDK posted it, in both encodings, with the default
 * (old) HTTP conventions and with OTEL_SEMCONV_STABILITY_OPT_IN=http.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/otel-python/', import.meta.url));

interface Expected {
  hops: string[];
  stack: StackKind;
  route?: string;
  path: string;
  /** Missing when the app raised before start_response: the WSGI middleware then records no status (the proxy's span has it). */
  status?: number;
  /** The path under OTEL_SEMCONV_STABILITY_OPT_IN=http, when it differs: Django's and bare WSGI's spans then carry no path at all. */
  stablePath?: string;
}

const APPS: Record<string, { items: Expected; error: Expected }> = {
  flask: {
    items: { hops: ['gateway'], stack: 'wsgi', route: '/items/<int:item_id>', path: '/items/42', status: 200 },
    error: { hops: ['gateway'], stack: 'wsgi', route: '/error', path: '/error', status: 500 },
  },
  django: {
    items: { hops: ['gateway'], stack: 'wsgi', route: 'items/<int:item_id>', path: '/items/42', status: 200, stablePath: '/' },
    error: { hops: ['gateway'], stack: 'wsgi', route: 'error', path: '/error', status: 500, stablePath: '/' },
  },
  fastapi: {
    items: { hops: ['gateway', 'response'], stack: 'asgi', route: '/items/{item_id}', path: '/items/42', status: 200 },
    error: { hops: ['gateway', 'response'], stack: 'asgi', route: '/error', path: '/error', status: 500 },
  },
  // A bare WSGI app has no routes: no http.route, and the path names the span.
  wsgi: {
    items: { hops: ['gateway'], stack: 'wsgi', path: '/items/42', status: 200, stablePath: '/' },
    error: { hops: ['gateway'], stack: 'wsgi', path: '/error', stablePath: '/' },
  },
};

// The fixtures reuse trace ids across apps (…01 items, …02 error): a fresh pair of hubs per export.
const hubs: Record<'json' | 'protobuf', Hub | undefined> = { json: undefined, protobuf: undefined };

beforeEach(async () => {
  hubs.json = await createHub({ port: 0, otlpPort: null });
  hubs.protobuf = await createHub({ port: 0, otlpPort: null });
});
afterEach(async () => {
  await Promise.all([hubs.json?.close(), hubs.protobuf?.close()]);
});

async function post(hub: Hub, file: string): Promise<string> {
  const json = file.endsWith('.json');
  const body = readFileSync(FIXTURES + file);
  const res = await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
    body,
  });
  expect(res.status, await res.text()).toBe(200);
  const text = readFileSync(FIXTURES + file.replace(/\.bin$/, '.json'), 'utf8');
  return (JSON.parse(text) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string }> }> }> }).resourceSpans[0]!
    .scopeSpans[0]!.spans[0]!.traceId;
}

describe('the official Python SDK’s exports (test/fixtures/otel-python) through a real hub', () => {
  for (const [app, cases] of Object.entries(APPS)) {
    for (const conventions of ['', '-semconv-http']) {
      for (const [request, expected] of Object.entries(cases)) {
        const name = `${app}-${request}${conventions}`;
        it(`${name}: ${expected.hops.join(' + ')}, stack ${expected.stack}${expected.route ? `, route ${expected.route}` : ''}`, async () => {
          const traceId = await post(hubs.json!, `${name}.json`);
          await post(hubs.protobuf!, `${name}.bin`);
          const trace = await getJson<Trace>(`${hubs.json!.url}/api/traces/${traceId}`);
          expect(trace.hops.map((h) => h.hop)).toEqual(expected.hops);
          expect(trace).toMatchObject({ stack: expected.stack, method: 'GET', inFlight: false });
          expect(trace.path).toBe(conventions ? (expected.stablePath ?? expected.path) : expected.path);
          expect(trace.status).toBe(expected.status);
          expect(trace.route).toBe(expected.route);
          if (request === 'error') {
            expect(trace.error).toBe('ValueError');
            expect(trace.hops.find((h) => h.hop === 'gateway')!.error).toMatchObject({
              type: 'ValueError',
              message: 'no item store configured',
            });
            expect(trace.hops.find((h) => h.hop === 'gateway')!.error!.stack).toContain('Traceback');
          } else {
            expect(trace.error).toBeUndefined();
            expect(trace.hops.filter((h) => h.error)).toEqual([]);
          }
          // Python's default resource has no process.pid: each process's service.instance.id is its worker lane.
          expect(trace.worker).toMatch(/^[0-9a-f-]{36}$/);
          // Every span is in the tree, the hop spans marked, under the (remote) parent the proxy would be.
          expect(trace.spans!.every((s) => s.scope?.startsWith('opentelemetry.instrumentation.'))).toBe(true);
          expect(trace.spans!.find((s) => s.hop === 'gateway')!.parentSpanId).toBe('00f067aa0ba902b7');
          // The protobuf body of the same spans makes the same trace.
          expect(await getJson<Trace>(`${hubs.protobuf!.url}/api/traces/${traceId}`)).toEqual(trace);
        });
      }
    }
  }
});
