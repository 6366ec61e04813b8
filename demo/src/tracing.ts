import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_HOPSCOPE_HOP, ATTR_HOPSCOPE_WORKER, ATTR_PROCESS_PID, ATTR_SERVICE_NAME, type HopName } from '@hopscope/shared';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The demo app's instrumentation: the real OpenTelemetry SDK exporting
 * OTLP/HTTP to the hub, exactly the path a real instrumented app takes. The
 * batch processor's queue is bounded and drops when the hub is down, so a
 * request never waits for telemetry.
 */
export interface DemoTracing {
  tracer: Tracer;
  /** The context of the proxy's traceparent, so the app's spans join its trace. */
  extract(headers: IncomingHttpHeaders): Context;
  startHop(hop: HopName, name: string, parent: Context, kind?: SpanKind): Span;
  /** An outgoing call (a database query): a CLIENT span with the semantic conventions' attributes, no hop. */
  startCall(name: string, parent: Context, attributes: Attributes): Span;
  /** The spans' clock (sub-millisecond epoch time), for ending a span at an earlier moment. */
  now(): [number, number];
  shutdown(): Promise<void>;
}

export function setUpTracing(serviceName: string, otlpEndpoint: string): DemoTracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_PROCESS_PID]: process.pid }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces`, timeoutMillis: 2_000 }), {
        scheduledDelayMillis: 100,
        maxQueueSize: 4096,
        maxExportBatchSize: 512,
      }),
    ],
  });
  const propagator = new W3CTraceContextPropagator();
  const tracer = provider.getTracer('hopscope-demo');
  const worker = String(process.pid);
  return {
    tracer,
    extract: (headers) =>
      propagator.extract(ROOT_CONTEXT, headers, {
        get: (carrier, key) => carrier[key] as string | undefined,
        keys: (carrier) => Object.keys(carrier),
      }),
    startHop: (hop, name, parent, kind = SpanKind.INTERNAL) => {
      const span = tracer.startSpan(
        name,
        { kind, startTime: preciseNow(), attributes: { [ATTR_HOPSCOPE_HOP]: hop, [ATTR_HOPSCOPE_WORKER]: worker } },
        parent,
      );
      // Given a start time, the SDK ends spans at Date.now() too: end them on the same precise clock.
      const end = span.end.bind(span);
      span.end = (time) => end(time ?? preciseNow());
      return span;
    },
    startCall: (name, parent, attributes) => {
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: preciseNow(), attributes }, parent);
      const end = span.end.bind(span);
      span.end = (time) => end(time ?? preciseNow());
      return span;
    },
    now: preciseNow,
    shutdown: () => provider.shutdown(),
  };
}

/**
 * The SDK starts spans at Date.now(), whole milliseconds: route, view and
 * response of a fast request would all start at the same instant and slow
 * motion could not tell them apart. The proxy's clock (proxy/src/clock.ts)
 * is the same sub-millisecond one.
 */
function preciseNow(): [number, number] {
  const ms = performance.timeOrigin + performance.now();
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
}

export function childContext(parent: Context, span: Span): Context {
  return trace.setSpan(parent, span);
}

export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
