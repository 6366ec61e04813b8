import { afterAll, describe, expect, it, vi } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { createHub, type Hub } from '@hopscope/server';
import type { Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { startUpstream } from '../support/upstream';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe('exporting every span to an external OTLP backend (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('forwards the proxy spans as OTLP to the backend, which sees the same trace', async () => {
    // Another hub stands in for Jaeger / an OpenTelemetry Collector: it speaks OTLP/HTTP.
    const backend: Hub = await createHub({ port: 0, otlpPort: 0 });
    cleanups.push(() => backend.close());
    const app = await startUpstream((_req, res) => res.end('hello'));
    cleanups.push(app.close);
    const stack: RunningHopscope = await startHopscope({
      port: 0,
      otlpPort: 0,
      proxyPort: 0,
      targets: [{ name: 'app', url: app.url }],
      exportEndpoint: backend.otlpUrl.replace(/\/v1\/traces$/, ''),
    });
    cleanups.push(() => stack.close());
    await request(`${stack.targets[0]!.proxy}/exported`);
    const exported = await vi.waitFor(
      async () => {
        const trace = (await getJson<Trace[]>(`${backend.url}/api/traces`)).find((t) => t.path === '/exported');
        if (!trace) throw new Error('not exported yet');
        return trace;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(exported.hops.map((h) => h.hop)).toEqual(['proxy', 'server']);
    const local = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces`)).find((t) => t.path === '/exported')!;
    expect(exported.traceId).toBe(local.traceId);
  });
});
