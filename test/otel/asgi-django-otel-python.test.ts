import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { otlpBase, startHopscope, type RunningHopscope } from '@hopscope/cli';
import { request } from '../support/http';
import { fullTrace, hopOf, startAll, startChildApp, type ChildApp } from './support';
import { otelVenv, type OtelVenv } from './python-venv';

/**
 * FastAPI under uvicorn and Django's development server, each run with
 * `opentelemetry-instrument` from the official Python SDK (PyPI, pinned by
 * integrations/otel-python-requirements.txt), exporting OTLP/HTTP protobuf,
 * behind a real hopscope.
 */
const APPS = fileURLToPath(new URL('./apps/', import.meta.url));

let venv: OtelVenv = { ok: false, reason: 'not made yet', bin: (name) => name };
let stack: RunningHopscope | undefined;
const apps: ChildApp[] = [];
const proxy: Record<string, string> = {};

/** Django's runserver cannot listen on port 0 and say which port it got: ask the OS for a free one first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const listeningOn = (pattern: RegExp) => (output: string) => {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : undefined;
};

beforeAll(async () => {
  venv = await otelVenv();
  if (!venv.ok) return;
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  const env = (service: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OTEL_SERVICE_NAME: service,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(stack!.otlpUrl),
    // The Python exporters default to gRPC on 4317; these tests speak OTLP/HTTP.
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    // runserver announces its address on stdout, block-buffered when it is a pipe.
    PYTHONUNBUFFERED: '1',
    ...extra,
  });
  const djangoPort = await freePort();
  const [fastapi, django] = await startAll(apps, [
    startChildApp(venv.bin('opentelemetry-instrument'), [venv.bin('uvicorn'), '--port', '0', 'fastapi_app:app'], {
      cwd: APPS,
      env: env('fastapi-otel'),
      portOf: listeningOn(/Uvicorn running on http:\/\/127\.0\.0\.1:(\d+)/),
    }),
    startChildApp(venv.bin('opentelemetry-instrument'), [venv.bin('python'), 'django_app.py'], {
      cwd: APPS,
      env: env('django-otel', { DJANGO_SETTINGS_MODULE: 'django_app', PYTHONPATH: APPS, PORT: String(djangoPort) }),
      portOf: listeningOn(/Starting development server at http:\/\/127\.0\.0\.1:(\d+)/),
    }),
  ]);
  const infos = await stack.addTargets([
    { name: 'fastapi-otel', url: fastapi.url },
    { name: 'django-otel', url: django.url },
  ]);
  for (const info of infos) proxy[info.name] = info.proxy;
}, 900_000);

afterAll(async () => {
  await stack?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

const has =
  (...hops: string[]) =>
  (trace: Trace) =>
    hops.every((name) => trace.hops.some((h) => h.hop === name && h.measured));

describe('FastAPI under uvicorn and opentelemetry-instrument, behind hopscope', () => {
  it('GET /items/{item_id}: the gateway and the response (its http send spans), stack asgi', async (ctx) => {
    if (!venv.ok) ctx.skip(`no OpenTelemetry Python virtualenv: ${venv.reason}`);
    await request(`${proxy['fastapi-otel']}/items/4`);
    const trace = await fullTrace(stack!.hubUrl, 'fastapi-otel', '/items/4', has('gateway', 'response'));
    expect(trace).toMatchObject({ route: '/items/{item_id}', status: 200, stack: 'asgi' });
    expect(trace.hops.map((h) => h.hop)).toEqual(['proxy', 'server', 'queue', 'gateway', 'response']);
    const sends = trace.spans!.filter((s) => s.hop === 'response');
    expect(sends.map((s) => s.attributes['asgi.event.type'])).toEqual(['http.response.start', 'http.response.body']);
    const response = hopOf(trace, 'response');
    expect(response.start).toBe(sends[0]!.start);
    expect(response.start + response.duration).toBeCloseTo(sends[1]!.start + sends[1]!.duration, 3);
  });

  it('a route that raises: ValueError on the gateway, the trace failed', async (ctx) => {
    if (!venv.ok) ctx.skip(`no OpenTelemetry Python virtualenv: ${venv.reason}`);
    const res = await request(`${proxy['fastapi-otel']}/boom`);
    expect(res.status).toBe(500);
    const trace = await fullTrace(stack!.hubUrl, 'fastapi-otel', '/boom', has('gateway', 'response'));
    expect(trace).toMatchObject({ status: 500, error: 'ValueError', stack: 'asgi' });
    expect(hopOf(trace, 'gateway').error).toMatchObject({ type: 'ValueError', message: 'kaboom' });
  });
});

describe('Django runserver under opentelemetry-instrument, behind hopscope', () => {
  it('GET /items/5: the gateway with Django’s route, stack wsgi', async (ctx) => {
    if (!venv.ok) ctx.skip(`no OpenTelemetry Python virtualenv: ${venv.reason}`);
    await request(`${proxy['django-otel']}/items/5`);
    const trace = await fullTrace(stack!.hubUrl, 'django-otel', '/items/5', has('gateway'));
    expect(trace).toMatchObject({ route: 'items/<int:item_id>', status: 200, stack: 'wsgi' });
    expect(trace.hops.map((h) => h.hop)).toEqual(['proxy', 'server', 'queue', 'gateway']);
  });

  it('a view that raises: ValueError on the gateway', async (ctx) => {
    if (!venv.ok) ctx.skip(`no OpenTelemetry Python virtualenv: ${venv.reason}`);
    await request(`${proxy['django-otel']}/boom`);
    const trace = await fullTrace(stack!.hubUrl, 'django-otel', '/boom', has('gateway'));
    expect(trace).toMatchObject({ status: 500, error: 'ValueError' });
    expect(hopOf(trace, 'gateway').error).toMatchObject({ type: 'ValueError', message: 'kaboom' });
  });
});
