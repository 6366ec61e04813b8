import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { otlpBase, startHopscope, type RunningHopscope } from '@hopscope/cli';
import { request } from '../support/http';
import { fullTrace, hopOf, startChildApp, type ChildApp } from './support';
import { otelVenv, type OtelVenv } from './python-venv';

/**
 * A Flask app run with `opentelemetry-instrument` from the official Python
 * SDK (PyPI, pinned by integrations/otel-python-requirements.txt), exporting
 * OTLP/HTTP protobuf, behind a real hopscope. Flask's instrumentation sends one
 * SERVER span with `http.route` and no child spans: a gateway, no invented view.
 */
const APPS = fileURLToPath(new URL('./apps/', import.meta.url));

let venv: OtelVenv = { ok: false, reason: 'not made yet', bin: (name) => name };
let stack: RunningHopscope | undefined;
let app: ChildApp | undefined;
let proxyUrl = '';

beforeAll(async () => {
  venv = await otelVenv();
  if (!venv.ok) return;
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  app = await startChildApp(venv.bin('opentelemetry-instrument'), [venv.bin('flask'), '--app', 'flask_app', 'run', '--port', '0'], {
    cwd: APPS,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OTEL_SERVICE_NAME: 'flask-otel',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(stack.otlpUrl),
      // The Python exporters default to gRPC on 4317; this test speaks OTLP/HTTP.
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    portOf: (output) => {
      const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      return match ? Number(match[1]) : undefined;
    },
  });
  const [info] = await stack.addTargets([{ name: 'flask-otel', url: app.url }]);
  proxyUrl = info!.proxy;
}, 900_000);

afterAll(async () => {
  await stack?.close();
  await app?.stop();
});

const hasGateway = (trace: Trace) => trace.hops.some((h) => h.hop === 'gateway' && h.measured);

describe('Flask under opentelemetry-instrument (official Python SDK), behind hopscope', () => {
  it('GET /items/<int:item_id>: the gateway with its route, stack wsgi, no invented view', async (ctx) => {
    if (!venv.ok) ctx.skip(`no OpenTelemetry Python virtualenv: ${venv.reason}`);
    const res = await request(`${proxyUrl}/items/3`);
    expect(JSON.parse(res.body)).toEqual({ id: 3, name: 'item 3' });
    const trace = await fullTrace(stack!.hubUrl, 'flask-otel', '/items/3', hasGateway);
    expect(trace).toMatchObject({ route: '/items/<int:item_id>', status: 200, method: 'GET', stack: 'wsgi' });
    expect(trace.error).toBeUndefined();
    expect(trace.hops.map((h) => h.hop)).toEqual(['proxy', 'server', 'queue', 'gateway']);
    expect(trace.spans!.find((s) => s.hop === 'gateway')).toMatchObject({
      scope: 'opentelemetry.instrumentation.flask',
      service: 'flask-otel',
    });
    // Python stamps nanoseconds: nothing derived from its spans is imprecise.
    expect(hopOf(trace, 'queue').imprecise).toBeUndefined();
  });

  it('a view that raises: ValueError with its message and traceback is the trace error, on the gateway', async (ctx) => {
    if (!venv.ok) ctx.skip(`no OpenTelemetry Python virtualenv: ${venv.reason}`);
    const res = await request(`${proxyUrl}/boom`);
    expect(res.status).toBe(500);
    const trace = await fullTrace(stack!.hubUrl, 'flask-otel', '/boom', hasGateway);
    expect(trace).toMatchObject({ status: 500, error: 'ValueError', route: '/boom' });
    const gateway = hopOf(trace, 'gateway');
    expect(gateway.error).toMatchObject({ type: 'ValueError', message: 'kaboom' });
    expect(gateway.error?.stack).toContain('flask_app.py');
  });

  it('a 404 from abort(404) is an answer, not an error', async (ctx) => {
    if (!venv.ok) ctx.skip(`no OpenTelemetry Python virtualenv: ${venv.reason}`);
    const res = await request(`${proxyUrl}/missing`);
    expect(res.status).toBe(404);
    const trace = await fullTrace(stack!.hubUrl, 'flask-otel', '/missing', hasGateway);
    expect(trace.status).toBe(404);
    expect(trace.error).toBeUndefined();
    expect(trace.hops.filter((h) => h.error)).toEqual([]);
  });
});
