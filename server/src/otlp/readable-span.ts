import { SpanKind, SpanStatusCode, TraceFlags, type Attributes as OtelAttributes, type HrTime } from '@opentelemetry/api';
import { envDetector, resourceFromAttributes, detectResources, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, type AttrValue, type SpanRecord } from '@hopscope/shared';

const KINDS = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};
const STATUSES = { unset: SpanStatusCode.UNSET, ok: SpanStatusCode.OK, error: SpanStatusCode.ERROR };
/** The proxy's instrumentation scope (proxy/src/telemetry/tracer.ts): its spans get the proxy's resource. */
const PROXY_SCOPE = '@hopscope/proxy';

/**
 * The hub's spans as the SDK's ReadableSpans, so that the official OTLP
 * exporter sends them. App spans keep the resource their SDK sent. The
 * proxy's spans reach the hub without one (the live channel carries no
 * resource) and get the proxy's resource here: `service.name` from
 * OTEL_SERVICE_NAME (default `hopscope-proxy`) and OTEL_RESOURCE_ATTRIBUTES,
 * what the proxy worker's NodeSDK configures from the same process
 * environment. Spans with no `service.name` at all are `hopscope`'s.
 */
export class ReadableSpans {
  private readonly resources = new Map<string, Resource>();
  private readonly proxyResource: Resource;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const fromEnv = detectResources({ detectors: [envDetector] });
    this.proxyResource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || 'hopscope-proxy' }).merge(
      resourceFromAttributes(fromEnv.attributes),
    );
  }

  of(span: SpanRecord): ReadableSpan {
    const endMs = span.endMs ?? span.startMs;
    const parent = span.parentSpanId;
    return {
      name: span.name,
      kind: KINDS[span.kind],
      spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED }),
      parentSpanContext: parent ? { traceId: span.traceId, spanId: parent, traceFlags: TraceFlags.SAMPLED } : undefined,
      startTime: msToHr(span.startMs),
      endTime: msToHr(endMs),
      duration: msToHr(endMs - span.startMs),
      status: { code: STATUSES[span.status.code], message: span.status.message },
      // Mixed-type arrays (which OTLP allows and apps send) are outside the API's type but the serializer writes them.
      attributes: span.attributes as OtelAttributes,
      links: [],
      events: span.events.map((e) => ({ name: e.name, time: msToHr(e.timeMs), attributes: e.attributes as OtelAttributes })),
      ended: true,
      resource: span.scope?.name === PROXY_SCOPE ? this.proxyResource : this.resourceOf(span.resource),
      instrumentationScope: span.scope ?? { name: 'hopscope' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  }

  /** One Resource per distinct attribute set: the exporter groups spans by resource object. */
  private resourceOf(attributes: Record<string, AttrValue>): Resource {
    const key = JSON.stringify(attributes);
    let resource = this.resources.get(key);
    if (!resource) {
      if (this.resources.size > 1_000) this.resources.clear();
      resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'hopscope', ...attributes });
      this.resources.set(key, resource);
    }
    return resource;
  }
}

/** Epoch milliseconds (with microseconds) → [seconds, nanoseconds]. */
function msToHr(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
}
