import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { otlpBase, startHopscope, type RunningHopscope } from '@hopscope/cli';
import { getJson, request } from '../support/http';
import { startAll, startChildApp, type ChildApp } from './support';

/**
 * Two Node services under the official Node SDK (getNodeAutoInstrumentations,
 * OTLP/HTTP), each behind its own hopscope proxy: `shop`'s request calls
 * `stock` three times, one after another, through `stock`'s proxy, with
 * http.get (instrumentation-http) and fetch (instrumentation-undici). Their
 * real CLIENT spans become the calls of shop's request, a sequential_calls
 * finding, and links between the two requests of the one trace.
 */
const APPS = fileURLToPath(new URL('./apps/', import.meta.url));

let stack: RunningHopscope;
const apps: ChildApp[] = [];
const proxy: Record<string, string> = {};

function startService(name: string): Promise<ChildApp> {
  return startChildApp(process.execPath, ['--require', './node-sdk-setup.cjs', 'calls-app.cjs'], {
    cwd: APPS,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(stack.otlpUrl),
      OTEL_SERVICE_NAME: name,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    portOf: (output) => {
      const line = /\{"port":(\d+)\}/.exec(output);
      return line ? Number(line[1]) : undefined;
    },
  });
}

beforeAll(async () => {
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  const [shop, stock] = await startAll(apps, [startService('shop'), startService('stock')]);
  const infos = await stack.addTargets([
    { name: 'shop', url: shop.url },
    { name: 'stock', url: stock.url },
  ]);
  for (const info of infos) proxy[info.name] = info.proxy;
}, 90_000);

afterAll(async () => {
  await stack?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('outgoing HTTP calls under the official Node SDK, across two services behind hopscope', () => {
  it("shop's request lists its three calls, says they could have run in parallel, and links to stock's requests", async () => {
    const res = await request(`${proxy['shop']}/fan?to=${encodeURIComponent(proxy['stock']!)}`);
    expect(JSON.parse(res.body)).toEqual({ statuses: [200, 200, 200] });

    const shop = await vi.waitFor(
      async () => {
        const list = await getJson<Trace[]>(`${stack.hubUrl}/api/traces?target=shop&limit=10`);
        const summary = list.find((t) => t.path === '/fan' && !t.inFlight);
        if (!summary) throw new Error('no finished /fan yet');
        const trace = await getJson<Trace>(`${stack.hubUrl}/api/traces/${summary.traceId}`);
        if ((trace.calls ?? []).filter((c) => c.request).length < 3) throw new Error(`calls so far: ${JSON.stringify(trace.calls)}`);
        return trace;
      },
      { timeout: 20_000, interval: 100 },
    );
    const calls = shop.calls!;
    expect(calls.map((c) => [c.kind, c.system, c.status, c.hop, c.requestTarget])).toEqual([
      ['http', 'http', 200, 'gateway', 'stock'],
      ['http', 'http', 200, 'gateway', 'stock'],
      ['http', 'http', 200, 'gateway', 'stock'],
    ]);
    const spans = shop.spans!;
    expect(calls.map((c) => spans.find((s) => s.spanId === c.spanId)?.scope)).toEqual([
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-undici',
    ]);
    // The URL goes through the same redaction as request URLs.
    expect(calls[1]!.target).toBe(`${proxy['stock']}/items/2?token=[redacted]`);
    expect(JSON.stringify(shop)).not.toContain('s3cret');

    const [finding] = shop.findings!;
    expect(finding).toMatchObject({ kind: 'sequential_calls', count: 3 });
    if (finding?.kind !== 'sequential_calls') throw new Error('no sequential_calls finding');
    const total = calls.reduce((sum, c) => sum + c.duration, 0);
    expect(finding.totalMs).toBeCloseTo(total, 0);
    expect(finding.savedMs).toBeCloseTo(total - Math.max(...calls.map((c) => c.duration)), 0);

    // Each call made a request of stock's, in the same trace: stock's trace says who called it.
    for (const call of calls) {
      const called = await getJson<Trace>(`${stack.hubUrl}/api/traces/${call.request}`);
      expect(called).toMatchObject({ target: 'stock', calledBy: { request: shop.traceId, target: 'shop', spanId: call.spanId } });
      expect(called.path).toMatch(/^\/items\/[123]$/);
    }
  });
});
