import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { parseTraceparent } from '@hopscope/shared';
import { startUpstream } from '../support/upstream';

/**
 * A Node HTTP app instrumented with the official OpenTelemetry SDK, whose
 * spans reach the hub's OTLP/HTTP port `exportDelayMs` after they end — what
 * the SDK's batch processor does at worst with its default 5 s delay, made
 * exact here so the lag the dashboard reports is known. Each request gives a
 * gateway SERVER span, a middleware span that is no hop, and a view; `/fail/N`
 * throws in the view and records the exception as the SDK does.
 */
export async function startLateApp(otlpUrl: string, exportDelayMs: number) {
  const exporter = new OTLPTraceExporter({ url: otlpUrl });
  const timers = new Set<NodeJS.Timeout>();
  const late: SpanProcessor = {
    onStart: () => {},
    onEnd: (span: ReadableSpan) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        exporter.export([span], () => {});
      }, exportDelayMs);
      timers.add(timer);
    },
    forceFlush: async () => {},
    shutdown: async () => {
      for (const timer of timers) clearTimeout(timer);
      await exporter.shutdown();
    },
  };
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'late-app', 'process.pid': process.pid })),
    spanProcessors: [late],
  });
  const tracer = provider.getTracer('late-app');
  const upstream = await startUpstream((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    const parent = parseTraceparent(req.headers.traceparent);
    const context = parent
      ? trace.setSpanContext(ROOT_CONTEXT, {
          traceId: parent.traceId,
          spanId: parent.parentSpanId,
          traceFlags: TraceFlags.SAMPLED,
          isRemote: true,
        })
      : ROOT_CONTEXT;
    const route = url.pathname.startsWith('/fail') ? '/fail/:id' : '/work';
    const gateway = tracer.startSpan(
      `GET ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'hopscope.hop': 'gateway', 'http.request.method': 'GET', 'url.path': url.pathname, 'http.route': route },
      },
      context,
    );
    const inGateway = trace.setSpan(context, gateway);
    tracer.startSpan('middleware - query', { attributes: { 'express.type': 'middleware' } }, inGateway).end();
    const view = tracer.startSpan('request handler', { attributes: { 'hopscope.hop': 'view', 'http.route': route } }, inGateway);
    const finish = (status: number, body: string) => {
      view.end();
      res.statusCode = status;
      res.end(body, () => endGateway(gateway, status));
    };
    if (route === '/fail/:id') {
      const error = new RangeError(`item ${url.pathname.split('/')[2]} is gone`);
      view.recordException(error);
      view.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      return finish(500, 'failed');
    }
    setTimeout(() => finish(200, 'ok'), Number(url.searchParams.get('ms') ?? 0));
  });
  return {
    url: upstream.url,
    close: async () => {
      await upstream.close();
      await provider.shutdown();
    },
  };
}

function endGateway(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
