import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttrValue, SpanRecord } from '@hopscope/shared';

export const KINDS: Record<SpanKind, SpanRecord['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
export const STATUSES: Record<SpanStatusCode, SpanRecord['status']['code']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

/**
 * An SDK span as the SpanRecord the hub takes (the same shape OTLP ingest
 * produces). The resource stays empty: the hub knows proxy spans by their
 * `hopscope.hop`, and its exporter gives them the proxy's resource (docs/otel.md).
 *
 * A span in flight has its attributes copied, since the live view must not
 * see later changes to a span it was handed as in flight; an ended span's
 * no longer change (the SDK ignores setAttribute after end), so they are not.
 * (The worker's channel posts WireSpans instead, worker/wire-span.ts.)
 */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const attributes = span.attributes as Record<string, AttrValue>;
  const record: SpanRecord = {
    traceId: context.traceId,
    spanId: context.spanId,
    name: span.name,
    kind: KINDS[span.kind],
    startMs: hrToMs(span.startTime),
    attributes: span.ended ? attributes : { ...attributes },
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

export function hrToMs([seconds, nanos]: HrTime): number {
  return seconds * 1000 + nanos / 1e6;
}
