import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { context, trace as otelTrace } from '@opentelemetry/api';

/**
 * Real spans from the official OpenTelemetry JS SDK, as an instrumented app
 * makes them: a gateway SERVER span named `name` and a view under it.
 */
export function sdkSpans(path: string, name = `GET ${path}`, startMs = Date.now()): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop', 'process.pid': 4242 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  const gateway = tracer.startSpan(name, {
    kind: 1,
    startTime: startMs,
    attributes: {
      'hopscope.hop': 'gateway',
      'url.path': path,
      'http.request.method': 'GET',
      'http.request.header.authorization': 'Bearer secret',
    },
  });
  const view = tracer.startSpan(
    'view',
    { startTime: startMs + 0.5, attributes: { 'hopscope.hop': 'view' } },
    otelTrace.setSpan(context.active(), gateway),
  );
  view.end();
  gateway.setAttribute('http.response.status_code', 200);
  gateway.end();
  return exporter.getFinishedSpans();
}

/** The JSON text the official exporter's JSON serializer writes for these spans. */
export function otelJson(spans: ReadableSpan[]): string {
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!);
}
