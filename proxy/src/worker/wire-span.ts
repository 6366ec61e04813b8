import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttrValue, SpanRecord, SpanSink } from '@hopscope/shared';
import { hrToMs, KINDS, STATUSES } from '../telemetry/span-record';

/**
 * A span event as it crosses from the proxies' thread to the hub's: a flat
 * tuple rather than a SpanRecord. Structured clone pays for every object and
 * every property name, and a record holds five objects besides its
 * attributes (itself, status, resource, events, scope): cloning the tuple
 * costs well under half as much (docs/benchmarks.md). The hub's thread builds
 * the SpanRecord back (deliver).
 */
export type WireSpan = [
  inFlight: boolean,
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  kind: SpanRecord['kind'],
  startMs: number,
  endMs: number | undefined,
  status: SpanRecord['status']['code'],
  statusMessage: string | undefined,
  attributes: SpanRecord['attributes'],
  scopeName: string,
  scopeVersion: string | undefined,
];

/**
 * An SDK span as it is posted: in flight (its start) or ended. The attributes
 * are the span's own object, not a copy: posting clones it at once.
 */
export function toWire(span: ReadableSpan): WireSpan {
  const context = span.spanContext();
  const ended = span.ended;
  return [
    !ended,
    context.traceId,
    context.spanId,
    span.parentSpanContext?.spanId || undefined,
    span.name,
    KINDS[span.kind],
    hrToMs(span.startTime),
    ended ? hrToMs(span.endTime) : undefined,
    STATUSES[span.status.code],
    span.status.message || undefined,
    span.attributes as Record<string, AttrValue>,
    span.instrumentationScope.name,
    span.instrumentationScope.version,
  ];
}

/** The SpanRecord a wire span stands for (the shape toSpanRecord gives and the hub takes). */
export function fromWire(wire: WireSpan): SpanRecord {
  const [, traceId, spanId, parentSpanId, name, kind, startMs, endMs, code, message, attributes, scopeName, scopeVersion] = wire;
  const record: SpanRecord = {
    traceId,
    spanId,
    name,
    kind,
    startMs,
    attributes,
    resource: {},
    status: message ? { code, message } : { code },
    events: [],
    scope: { name: scopeName, version: scopeVersion },
  };
  if (parentSpanId) record.parentSpanId = parentSpanId;
  if (endMs !== undefined) record.endMs = endMs;
  return record;
}

/** On the hub's thread: each span of a batch to the sink, in order; returns how many were handed over (to acknowledge). */
export function deliver(spans: WireSpan[], sink: SpanSink): number {
  for (const wire of spans) {
    try {
      if (wire[0]) sink.spanStarted(fromWire(wire));
      else sink.spanEnded(fromWire(wire));
    } catch {
      // A sink must not throw; if one does, the span is lost, not the channel.
    }
  }
  return spans.length;
}
