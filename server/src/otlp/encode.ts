import { ATTR_SERVICE_NAME, type AttrValue, type SpanRecord } from '@hopscope/shared';

const KIND_NUMBER = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_NUMBER = { unset: 0, ok: 1, error: 2 } as const;
type Scope = NonNullable<SpanRecord['scope']>;

/**
 * Spans → one OTLP ExportTraceServiceRequest in the JSON mapping
 * (opentelemetry-proto): what the exporter posts to a backend and what a
 * recording file holds one per line (the Collector file exporter's format).
 * Spans that share a resource share a `resourceSpans` entry.
 */
export function toExportRequest(spans: readonly SpanRecord[]) {
  const groups = new Map<string, { resource: Record<string, AttrValue>; scopes: Map<string, { scope: Scope; spans: SpanRecord[] }> }>();
  for (const span of spans) {
    const resource = { [ATTR_SERVICE_NAME]: 'hopscope', ...span.resource };
    // A cheap key: resources are small, and spans of one process repeat the same one.
    const key = JSON.stringify(resource);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { resource, scopes: new Map() }));
    // The instrumentation scope travels too: the hub maps spans to hops by it (docs/otel.md).
    const scope = span.scope ?? { name: 'hopscope' };
    const scopeKey = `${scope.name}@${scope.version ?? ''}`;
    const scoped = group.scopes.get(scopeKey);
    if (scoped) scoped.spans.push(span);
    else group.scopes.set(scopeKey, { scope, spans: [span] });
  }
  return {
    resourceSpans: [...groups.values()].map((group) => ({
      resource: { attributes: toKeyValues(group.resource) },
      scopeSpans: [...group.scopes.values()].map(({ scope, spans }) => ({ scope, spans: spans.map(toSpanJson) })),
    })),
  };
}

function toSpanJson(span: SpanRecord) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? '',
    name: span.name,
    kind: KIND_NUMBER[span.kind],
    startTimeUnixNano: msToNanos(span.startMs),
    endTimeUnixNano: msToNanos(span.endMs ?? span.startMs),
    attributes: toKeyValues(span.attributes),
    events: span.events.map((e) => ({ timeUnixNano: msToNanos(e.timeMs), name: e.name, attributes: toKeyValues(e.attributes) })),
    status: { code: STATUS_NUMBER[span.status.code], message: span.status.message ?? '' },
  };
}

/** Epoch ms (with microseconds) → nanoseconds as a decimal string (64-bit values travel as strings in OTLP JSON). */
export function msToNanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

function toKeyValues(attributes: Record<string, AttrValue>) {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}

function toAnyValue(value: AttrValue): Record<string, unknown> {
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}
