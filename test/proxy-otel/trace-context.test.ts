import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { startHopscopeProcess } from '../support/bin';
import { getJson, request } from '../support/http';
import { startUpstream } from '../support/upstream';

/*
 * W3C Trace Context through the proxy's OpenTelemetry SDK, in a real
 * hopscope process (the proxy worker's NodeSDK): the caller's tracestate
 * reaches the app, and a caller that sent `-00` (not sampled) is still
 * recorded and marked sampled upstream by default, so the app records its
 * spans too; OTEL_TRACES_SAMPLER=parentbased_always_on makes it respect the
 * caller instead.
 */
const seen: IncomingHttpHeaders[] = [];
let appUrl: string;
const cleanups: Array<() => Promise<void>> = [];
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerParent = (flags: string) => `00-${CALLER_TRACE}-00f067aa0ba902b7-${flags}`;

beforeAll(async () => {
  const app = await startUpstream((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  cleanups.push(app.close);
  appUrl = app.url;
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

async function hopscope(env: NodeJS.ProcessEnv = {}) {
  const running = await startHopscopeProcess(
    ['up', '--target', `app=${appUrl}`, '--port', '0', '--otlp-port', '0', '--proxy-port', '0'],
    /Press Ctrl\+C/,
    { HOPSCOPE_TOKEN: '', OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env },
    60_000,
  );
  cleanups.push(async () => void (await running.stop()));
  const output = running.output();
  return {
    dashboard: /dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!,
    proxy: /proxy app\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!,
  };
}

/** The headers the app got for the request to `path` through the proxy. */
async function upstreamHeadersFor(proxy: string, path: string, headers: Record<string, string>): Promise<IncomingHttpHeaders> {
  const before = seen.length;
  expect((await request(`${proxy}${path}`, { headers })).status).toBe(200);
  return seen.slice(before).find(() => true)!;
}

describe('W3C Trace Context through the proxy', () => {
  it(
    'by default: the caller’s tracestate reaches the app, and a -00 caller is recorded and sent on as -01',
    { timeout: 90_000 },
    async () => {
      const { proxy, dashboard } = await hopscope();
      const sampled = await upstreamHeadersFor(proxy, '/with-state', {
        traceparent: callerParent('01'),
        tracestate: 'vendor=opaque,rojo=00f067aa0ba902b7',
      });
      expect(sampled.tracestate).toBe('vendor=opaque,rojo=00f067aa0ba902b7');
      expect(sampled.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));

      const unsampled = await upstreamHeadersFor(proxy, '/not-sampled', { traceparent: callerParent('00') });
      expect(unsampled.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));
      // …and hopscope shows it like any other request.
      await expect
        .poll(async () => (await getJson<Trace[]>(`${dashboard}/api/traces`)).some((t) => t.path === '/not-sampled'), { timeout: 15_000 })
        .toBe(true);
    },
  );

  it(
    'OTEL_TRACES_SAMPLER=parentbased_always_on respects the caller: -00 goes on as -00, the request still served',
    { timeout: 90_000 },
    async () => {
      const { proxy } = await hopscope({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
      const unsampled = await upstreamHeadersFor(proxy, '/respected', { traceparent: callerParent('00'), tracestate: 'vendor=opaque' });
      expect(unsampled.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-00$`));
      expect(unsampled.tracestate).toBe('vendor=opaque');
      const sampled = await upstreamHeadersFor(proxy, '/sampled', { traceparent: callerParent('01') });
      expect(sampled.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));
    },
  );
});
