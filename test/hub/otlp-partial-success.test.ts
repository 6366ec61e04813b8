import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace as otelTrace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot } from '@hopscope/shared';
import { exportRaw } from '../support/grpc-client';
import { getJson } from '../support/http';

let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: 0, maxSpansPerTrace: 2 });
});
afterAll(async () => hub?.close());

/** One trace of three real SDK spans: a request and two children. */
function threeSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('t');
  const root = tracer.startSpan('GET /', { kind: 1, attributes: { 'hopscope.hop': 'gateway', 'url.path': '/three' } });
  const inside = otelTrace.setSpan(context.active(), root);
  tracer.startSpan('route', {}, inside).end();
  tracer.startSpan('view', {}, inside).end();
  root.end();
  return memory.getFinishedSpans();
}

describe('OTLP partial success: spans the hub drops are reported to the exporter, not silently lost', () => {
  it('over gRPC: ExportTraceServiceResponse.partial_success.rejected_spans', async () => {
    const answer = await exportRaw(hub.otlpGrpcUrl!, 'traces', ProtobufTraceSerializer.serializeRequest(threeSpans())!);
    expect(answer.code).toBe(0);
    const response = ProtobufTraceSerializer.deserializeResponse(answer.response!);
    expect(Number(response.partialSuccess?.rejectedSpans)).toBe(1);
    expect(response.partialSuccess?.errorMessage).toContain('1 spans dropped');
  });

  it('over HTTP, in JSON (rejectedSpans as an int64 string) and in protobuf', async () => {
    const json = await fetch(`${hub.otlpUrl}`, {
      method: 'POST',
      body: JsonTraceSerializer.serializeRequest(threeSpans()) as BodyInit,
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ partialSuccess: { rejectedSpans: '1' } });

    const proto = await fetch(`${hub.url}/v1/traces`, {
      method: 'POST',
      body: ProtobufTraceSerializer.serializeRequest(threeSpans()) as BodyInit,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(proto.status).toBe(200);
    const response = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await proto.arrayBuffer()));
    expect(Number(response.partialSuccess?.rejectedSpans)).toBe(1);
    // The same drops the dashboard counts.
    expect((await getJson<StatsSnapshot>(`${hub.url}/api/stats`)).hub.spansDropped).toBe(3);
  });
});
