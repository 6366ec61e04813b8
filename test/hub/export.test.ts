import { afterAll, describe, expect, it, vi } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { createHub, type Hub } from '@hopscope/server';
import type { Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { readOtlpJson } from '../support/otlp-reader';
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

  it('posts OTLP/JSON through the official exporter to <endpoint>/v1/traces, which a reader hopscope did not write reads field for field', async () => {
    // A stand-in Collector: it keeps what arrives and answers 200, like an OTLP/HTTP receiver.
    const received: Array<{ url?: string; type?: string; body: string }> = [];
    const collector = await startUpstream((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push({ url: req.url, type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    cleanups.push(collector.close);
    const app = await startUpstream((_req, res) => res.end('hello'));
    cleanups.push(app.close);
    const stack = await startHopscope({
      port: 0,
      otlpPort: 0,
      proxyPort: 0,
      targets: [{ name: 'app', url: app.url }],
      exportEndpoint: `${collector.url}/`,
    });
    cleanups.push(() => stack.close());
    await request(`${stack.targets[0]!.proxy}/forwarded?token=secret`);
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const spans = await vi.waitFor(
      () => {
        const all = received.flatMap((r) =>
          (readOtlpJson(JSON.parse(r.body)).resourceSpans as Json[]).flatMap((rs) => rs.scopeSpans.flatMap((ss: Json) => ss.spans)),
        );
        if (all.length < 2) throw new Error(`${all.length} spans exported so far`);
        return all as Json[];
      },
      { timeout: 10_000, interval: 100 },
    );
    for (const r of received) {
      expect(r.url).toBe('/v1/traces');
      expect(r.type).toBe('application/json');
      const written = JSON.parse(r.body);
      expect(readOtlpJson(written)).toMatchObject(asReaderWrites(written) as object);
    }
    const value = (span: Json, key: string) => span.attributes.find((a: Json) => a.key === key)?.value;
    expect(spans.map((s) => value(s, 'hopscope.hop')?.stringValue).sort()).toEqual(['proxy', 'server']);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const local = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces`)).find((t) => t.path === '/forwarded')!;
    expect(spans[0]!.traceId).toBe(local.traceId);
    // What leaves for a backend is redacted like what the hub keeps.
    expect(received.map((r) => r.body).join('')).not.toContain('secret');
  });
});

/**
 * The official OTLP/JSON exporter writes 64-bit integers as JSON numbers
 * (proto3 JSON accepts numbers and strings alike) and the span's `flags`
 * (opentelemetry-proto 1.1), which the reader's older generated classes do
 * not know; everything else must read back as written.
 */
function asReaderWrites(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => asReaderWrites(item));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'flags')
        .map(([k, v]) => [k, asReaderWrites(v, k)]),
    );
  return key === 'intValue' && typeof value === 'number' ? String(value) : value;
}
