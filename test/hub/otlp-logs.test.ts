import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, SpanKind, trace as otelTrace, type Span } from '@opentelemetry/api';
import { SeverityNumber, type LogRecord } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPGrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createHub, type Hub } from '@hopscope/server';
import { parseLiveMessage, type Trace, type TraceLog } from '@hopscope/shared';
import { request } from '../support/http';

const resource = resourceFromAttributes({ 'service.name': 'shop' });
let hub: Hub;
let tracerProvider: BasicTracerProvider;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  // As in an app set up with the Node SDK: the active span travels with the async context.
  context.setGlobalContextManager(contextManager.enable());
  hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: 0 });
  tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: hub.otlpUrl }))],
  });
});
afterAll(async () => {
  await tracerProvider?.shutdown();
  context.disable();
  await hub?.close();
});

const otlpBase = () => hub.otlpUrl.replace(/\/v1\/traces$/, '');

function loggerProvider(exporter: LogRecordExporter): LoggerProvider {
  return new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
}

/** A request as an instrumented app handles it: a gateway span, a view span inside it, `write` called with the view span active. */
async function handleRequest(path: string, write: () => void): Promise<{ gateway: Span; view: Span }> {
  const tracer = tracerProvider.getTracer('app');
  const gateway = tracer.startSpan(`GET ${path}`, {
    kind: SpanKind.SERVER,
    attributes: { 'hopscope.hop': 'gateway', 'url.path': path, 'http.request.method': 'GET' },
  });
  const view = tracer.startSpan('view', { attributes: { 'hopscope.hop': 'view' } }, otelTrace.setSpan(context.active(), gateway));
  context.with(otelTrace.setSpan(context.active(), view), write);
  view.end();
  gateway.end();
  await tracerProvider.forceFlush();
  return { gateway, view };
}

async function logsOf(traceId: string, count: number): Promise<TraceLog[]> {
  return vi.waitFor(
    async () => {
      const res = await request(`${hub.url}/api/traces/${traceId}`);
      expect(res.status).toBe(200);
      const logs = (JSON.parse(res.body) as Trace).logs ?? [];
      expect(logs.length).toBeGreaterThanOrEqual(count);
      return logs;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe('OTLP logs shown with their trace', () => {
  it('a log record written inside an active span appears in that trace, with severity, body and the hop it was written in; secrets redacted', async () => {
    const provider = loggerProvider(new OTLPLogExporter({ url: `${otlpBase()}/v1/logs` }));
    const logger = provider.getLogger('app');
    const { gateway, view } = await handleRequest('/logged', () => {
      logger.emit({
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: 'stock low for item 7',
        attributes: { 'item.id': 7, 'http.request.header.authorization': 'Bearer s3cret' },
      });
      logger.emit({ severityNumber: SeverityNumber.INFO, body: 'redirect to /login?next=/items&token=abc123' });
    });
    await provider.forceFlush();
    const logs = await logsOf(gateway.spanContext().traceId, 2);
    expect(logs[0]).toMatchObject({
      severity: 'WARN',
      body: 'stock low for item 7',
      spanId: view.spanContext().spanId,
      hop: 'view',
      service: 'shop',
      attributes: { 'item.id': 7 },
    });
    expect(logs[0]!.attributes).not.toHaveProperty('http.request.header.authorization');
    // No severity text: named from the severity number.
    expect(logs[1]!.severity).toBe('INFO');
    expect(logs[1]!.body).toContain('token=[redacted]');
    expect(JSON.stringify(logs)).not.toContain('abc123');
    expect(JSON.stringify(logs)).not.toContain('s3cret');
    expect(logs[0]!.time).toBeLessThanOrEqual(logs[1]!.time);
    await provider.shutdown();
  });

  it('also over protobuf on the hub port (the official serializer, gzip) and over gRPC (the official LogsService exporter)', async () => {
    const memory = new InMemoryLogRecordExporter();
    const captured = loggerProvider(memory);
    const grpcProvider = loggerProvider(new OTLPGrpcLogExporter({ url: hub.otlpGrpcUrl }));
    const { gateway } = await handleRequest('/logged-proto-grpc', () => {
      captured.getLogger('app').emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'over protobuf' });
      grpcProvider.getLogger('app').emit({ severityNumber: SeverityNumber.DEBUG, body: { over: 'grpc', attempt: 2 } });
    });
    const body = gzipSync(ProtobufLogsSerializer.serializeRequest(memory.getFinishedLogRecords())!);
    const res = await fetch(`${hub.url}/v1/logs`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    await grpcProvider.forceFlush();
    const logs = await logsOf(gateway.spanContext().traceId, 2);
    expect(logs.map((l) => [l.severity, l.body]).sort()).toEqual([
      ['DEBUG', '{"over":"grpc","attempt":2}'],
      ['ERROR', 'over protobuf'],
    ]);
    await Promise.all([captured.shutdown(), grpcProvider.shutdown()]);
  });

  it('a dashboard sees a trace again, with its logs, when they arrive after its spans', async () => {
    const memory = new InMemoryLogRecordExporter();
    const provider = loggerProvider(memory);
    const { gateway } = await handleRequest('/logged-late', () =>
      provider.getLogger('app').emit({ severityText: 'INFO', body: 'late line' }),
    );
    const traceId = gateway.spanContext().traceId;
    const seen: Trace[] = [];
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/api/live`);
    ws.on('message', (data) => {
      const message = parseLiveMessage(String(data));
      if (message?.type === 'trace' && message.trace.traceId === traceId) seen.push(message.trace);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    // The spans are in; the log is exported (like a batch processor would) after the trace was already shown.
    await vi.waitFor(async () => expect((await request(`${hub.url}/api/traces/${traceId}`)).status).toBe(200));
    const result = await exportLogs(new OTLPLogExporter({ url: `${otlpBase()}/v1/logs` }), memory);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await vi.waitFor(() => expect(seen.at(-1)?.logs?.map((l) => l.body)).toEqual(['late line']), { timeout: 10_000 });
    ws.close();
    await provider.shutdown();
  });

  it('records without a trace id (written outside any request) are accepted: the export succeeds', async () => {
    const memory = new InMemoryLogRecordExporter();
    const provider = loggerProvider(memory);
    const record: LogRecord = { severityNumber: SeverityNumber.INFO, body: 'startup: listening on :8000' };
    provider.getLogger('app').emit(record);
    const result = await exportLogs(new OTLPLogExporter({ url: `${otlpBase()}/v1/logs` }), memory);
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await provider.shutdown();
  });
});

/** The exporter called the way a log processor calls it: resolves with its ExportResult. */
async function exportLogs(exporter: OTLPLogExporter, memory: InMemoryLogRecordExporter): Promise<ExportResult> {
  try {
    return await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedLogRecords(), resolve));
  } finally {
    await exporter.shutdown();
  }
}
