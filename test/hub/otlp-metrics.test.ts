import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPGrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { createHub, type Hub } from '@hopscope/server';

let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: 0 });
});
afterAll(async () => hub?.close());

/** The exporter's own result callback, seen as the reader receives it; and what it was given, to re-send as protobuf. */
function observe(exporter: PushMetricExporter): { results: ExportResult[]; exported: ResourceMetrics[] } {
  const results: ExportResult[] = [];
  const exported: ResourceMetrics[] = [];
  const original = exporter.export.bind(exporter);
  exporter.export = (metrics, done) => {
    exported.push(metrics);
    original(metrics, (result) => {
      results.push(result);
      done(result);
    });
  };
  return { results, exported };
}

/** What NodeSDK sets up by default: a MeterProvider with a PeriodicExportingMetricReader; a counter and a histogram recorded, then flushed. */
async function exportMetrics(exporter: PushMetricExporter): Promise<{ results: ExportResult[]; exported: ResourceMetrics[] }> {
  const seen = observe(exporter);
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = provider.getMeter('app');
  meter.createCounter('http.server.requests').add(3, { 'http.route': '/items/:id' });
  meter.createHistogram('http.server.request.duration', { unit: 's' }).record(0.012);
  await provider.forceFlush();
  await provider.shutdown();
  return seen;
}

function expectAllSucceeded(results: ExportResult[]): void {
  expect(results.length).toBeGreaterThanOrEqual(1);
  for (const result of results) {
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
  }
}

describe('OTLP metrics: accepted and dropped, so SDKs log no export errors', () => {
  it('the official OTLP/HTTP metric exporter gets SUCCESS on the OTLP port and on the hub port', async () => {
    const base = hub.otlpUrl.replace(/\/v1\/traces$/, '');
    expectAllSucceeded((await exportMetrics(new OTLPMetricExporter({ url: `${base}/v1/metrics` }))).results);
    expectAllSucceeded((await exportMetrics(new OTLPMetricExporter({ url: `${hub.url}/v1/metrics` }))).results);
  });

  it('the official OTLP/gRPC metric exporter gets SUCCESS from the MetricsService', async () => {
    expectAllSucceeded((await exportMetrics(new OTLPGrpcMetricExporter({ url: hub.otlpGrpcUrl }))).results);
  });

  it('the same metrics as protobuf (the official serializer) answer 200 with an empty ExportMetricsServiceResponse', async () => {
    const { exported } = await exportMetrics(new OTLPMetricExporter({ url: `${hub.url}/v1/metrics` }));
    const body = ProtobufMetricsSerializer.serializeRequest(exported[0]!)!;
    expect(body.length).toBeGreaterThan(50);
    const res = await fetch(`${hub.url}/v1/metrics`, {
      method: 'POST',
      body: Buffer.from(body),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });
});
