import { context, trace as otelTrace, SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const SPANS_PER_BATCH = 4000;

/**
 * One export of 4,000 real SDK spans (@opentelemetry/sdk-trace-base), as an
 * instrumented WSGI app sends them: 1,000 traces of a SERVER span with the
 * HTTP attributes and three children (route, view, response). `batch` makes
 * the paths (and the fresh trace ids) differ from one batch to the next.
 */
export function sdkBatch(batch: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('opentelemetry.instrumentation.wsgi', '0.49b0');
  for (let t = 0; t < SPANS_PER_BATCH / 4; t++) {
    const root = tracer.startSpan('GET /items/<id>', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'url.path': `/items/${batch}-${t}`,
        'url.scheme': 'http',
        'http.route': '/items/<id>',
        'http.response.status_code': 200,
        'server.address': '127.0.0.1',
        'server.port': 8000,
        'user_agent.original': 'wrk/4.2.0',
        'hopscope.hop': 'gateway',
      },
    });
    const inside = otelTrace.setSpan(context.active(), root);
    for (const hop of ['route', 'view', 'response']) tracer.startSpan(hop, { attributes: { 'hopscope.hop': hop } }, inside).end();
    root.end();
  }
  return memory.getFinishedSpans();
}
