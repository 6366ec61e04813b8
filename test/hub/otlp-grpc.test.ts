import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot, Trace } from '@hopscope/shared';
import { exportRaw, SERVICES } from '../support/grpc-client';
import { getJson, request } from '../support/http';

const TOKEN = 'grpc-t0ken';
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

const hubs: Hub[] = [];
async function startHub(config: Parameters<typeof createHub>[0]): Promise<Hub> {
  const hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: 0, ...config });
  hubs.push(hub);
  return hub;
}
afterAll(async () => {
  await Promise.all(hubs.map((h) => h.close()));
});
afterEach(() => {
  delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
  delete process.env.OTEL_EXPORTER_OTLP_COMPRESSION;
});

/** Real spans from the real SDK: a gateway span with a path the test looks for, and optionally a large attribute. */
function sdkSpans(path: string, padding = 0): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'py-like', 'process.pid': 77 }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const span = provider.getTracer('grpc-test').startSpan('GET /items', {
    kind: 1,
    attributes: { 'hopscope.hop': 'gateway', 'url.path': path, 'http.request.method': 'GET', padding: 'x'.repeat(padding) },
  });
  span.end();
  return memory.getFinishedSpans();
}

/** The official OTLP/gRPC exporter, called as a span processor would: resolves with its ExportResult. */
async function exportWithSdk(url: string, spans: ReadableSpan[]): Promise<ExportResult> {
  const exporter = new OTLPTraceExporter({ url });
  try {
    return await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
  } finally {
    await exporter.shutdown();
  }
}

async function storedPaths(hub: Hub, headers: Record<string, string> = {}): Promise<string[]> {
  const res = await request(`${hub.url}/api/traces?limit=100`, { headers });
  return (JSON.parse(res.body) as Trace[]).map((t) => t.path);
}

describe('OTLP/gRPC receiver with the official exporter', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({});
  });

  it('stores what @opentelemetry/exporter-trace-otlp-grpc exports, hops and worker as over HTTP', async () => {
    expect(hub.otlpGrpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const result = await exportWithSdk(hub.otlpGrpcUrl!, sdkSpans('/grpc-plain'));
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const trace = await vi.waitFor(async () => {
      const found = (await getJson<Trace[]>(`${hub.url}/api/traces?limit=50`)).find((t) => t.path === '/grpc-plain');
      if (!found) throw new Error('not stored yet');
      return found;
    });
    expect(trace.hops.map((h) => h.hop)).toEqual(['gateway']);
    expect(trace.worker).toBe('77');
  });

  it('accepts gzip (OTEL_EXPORTER_OTLP_COMPRESSION=gzip, grpc-encoding: gzip)', async () => {
    process.env.OTEL_EXPORTER_OTLP_COMPRESSION = 'gzip';
    const result = await exportWithSdk(hub.otlpGrpcUrl!, sdkSpans('/grpc-gzip'));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await vi.waitFor(async () => expect(await storedPaths(hub)).toContain('/grpc-gzip'));
    // And a hand-compressed message from a raw client, so the test does not depend on the exporter honouring the variable.
    const raw = await exportRaw(hub.otlpGrpcUrl!, 'traces', ProtobufTraceSerializer.serializeRequest(sdkSpans('/grpc-raw-gzip'))!, {
      gzip: true,
    });
    expect(raw.code).toBe(0);
    await vi.waitFor(async () => expect(await storedPaths(hub)).toContain('/grpc-raw-gzip'));
  });

  it('answers undecodable messages INVALID_ARGUMENT with the catalogue code, on every service, and keeps serving', async () => {
    const garbage = Buffer.from([0x0a, 0x10, 0x01]); // field 1, 16 bytes announced, 1 sent
    for (const service of Object.keys(SERVICES) as Array<keyof typeof SERVICES>) {
      const answer = await exportRaw(hub.otlpGrpcUrl!, service, garbage);
      expect(answer.code, service).toBe(INVALID_ARGUMENT);
      expect(answer.details, service).toContain('HOPSCOPE_HUB_BAD_OTLP');
    }
    const result = await exportWithSdk(hub.otlpGrpcUrl!, sdkSpans('/grpc-after-garbage'));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await vi.waitFor(async () => expect(await storedPaths(hub)).toContain('/grpc-after-garbage'));
  });
});

describe('OTLP/gRPC limits', () => {
  it('refuses a message over the size limit, and one that only inflates past it, with RESOURCE_EXHAUSTED', async () => {
    const hub = await startHub({ maxOtlpBytes: 64 * 1024 });
    const big = ProtobufTraceSerializer.serializeRequest(sdkSpans('/grpc-big', 100 * 1024))!;
    expect((await exportRaw(hub.otlpGrpcUrl!, 'traces', big)).code).toBe(RESOURCE_EXHAUSTED);
    // 8 MiB of zeros compress to ~8 KiB: the limit must hold after inflation (decompression bombs).
    const bomb = Buffer.alloc(8 * 1024 * 1024);
    expect(gzipSync(bomb).length).toBeLessThan(64 * 1024);
    expect((await exportRaw(hub.otlpGrpcUrl!, 'logs', bomb, { gzip: true })).code).toBe(RESOURCE_EXHAUSTED);
    const result = await exportWithSdk(hub.otlpGrpcUrl!, sdkSpans('/grpc-small-after-big'));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
  });

  it('over the ingest budget answers UNAVAILABLE with a retry delay (google.rpc.RetryInfo), counted in hub.ingestRefused', async () => {
    const hub = await startHub({ otlpBudget: { maxBytes: 4096 } });
    const answer = await exportRaw(hub.otlpGrpcUrl!, 'traces', ProtobufTraceSerializer.serializeRequest(sdkSpans('/grpc-over', 8192))!);
    expect(answer.code).toBe(UNAVAILABLE);
    expect(answer.details).toContain('HOPSCOPE_HUB_OVERLOADED');
    // RetryInfo { retry_delay: Duration { seconds: 1 } }, the trailer the Python exporter reads to pace its retry.
    expect(answer.trailers.get('google.rpc.retryinfo-bin')[0]).toEqual(Buffer.from([0x0a, 0x02, 0x08, 0x01]));
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.ingestRefused).toBeGreaterThanOrEqual(1);
    // What fits is taken, and the budget is given back after each export (three of these together would not fit).
    for (let i = 0; i < 3; i++) {
      const fits = await exportRaw(
        hub.otlpGrpcUrl!,
        'traces',
        ProtobufTraceSerializer.serializeRequest(sdkSpans(`/grpc-fits-${i}`, 1500))!,
      );
      expect(fits.code).toBe(0);
    }
    await vi.waitFor(async () => expect(await storedPaths(hub)).toContain('/grpc-fits-2'));
    expect(await storedPaths(hub)).not.toContain('/grpc-over');
  });
});

describe('OTLP/gRPC with a token', () => {
  it('refuses exports without it (UNAUTHENTICATED, nothing stored) and stores them with OTEL_EXPORTER_OTLP_HEADERS', async () => {
    const hub = await startHub({ token: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const refused = await exportWithSdk(hub.otlpGrpcUrl!, sdkSpans('/grpc-no-token'));
    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect((refused.error as { code?: number }).code).toBe(UNAUTHENTICATED);
    expect(refused.error?.message).toContain('HOPSCOPE_HUB_UNAUTHORIZED');
    const wrong = await exportRaw(hub.otlpGrpcUrl!, 'logs', Buffer.alloc(0), { authorization: 'Bearer nope' });
    expect(wrong.code).toBe(UNAUTHENTICATED);

    // The standard variable, as a user sets it (values percent-encoded); the gRPC exporter sends it as metadata.
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `authorization=Bearer%20${TOKEN}`;
    const accepted = await exportWithSdk(hub.otlpGrpcUrl!, sdkSpans('/grpc-with-token'));
    expect(accepted.error).toBeUndefined();
    expect(accepted.code).toBe(ExportResultCode.SUCCESS);
    await vi.waitFor(async () => expect(await storedPaths(hub, auth)).toContain('/grpc-with-token'));
    expect(await storedPaths(hub, auth)).not.toContain('/grpc-no-token');
  });
});
