import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttrValue, SpanRecord } from '@hopscope/shared';

const KINDS: Record<SpanKind, SpanRecord['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUSES: Record<SpanStatusCode, SpanRecord['status']['code']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

/**
 * An SDK span as the SpanRecord the hub takes (the same shape OTLP ingest
 * produces). The resource stays empty: the hub knows proxy spans by their
 * `hopscope.hop`, and its exporter gives them the proxy's resource (docs/otel.md).
 */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const record: SpanRecord = {
    traceId: context.traceId,
    spanId: context.spanId,
    name: span.name,
    kind: KINDS[span.kind],
    startMs: hrToMs(span.startTime),
    // A copy: the live view must not see later changes to a span it was handed as in flight.
    attributes: { ...(span.attributes as Record<string, AttrValue>) },
    resource: {},
    status: span.status.message ? { code: STATUSES[span.status.code], message: span.status.message } : { code: STATUSES[span.status.code] },
    events: [],
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version },
  };
  const parent = span.parentSpanContext?.spanId;
  if (parent) record.parentSpanId = parent;
  if (span.ended) record.endMs = hrToMs(span.endTime);
  return record;
}

function hrToMs([seconds, nanos]: HrTime): number {
  return seconds * 1000 + nanos / 1e6;
}
