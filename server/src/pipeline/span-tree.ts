import { ATTR_SERVICE_NAME, type AttrScalar, type HopName, type SpanRecord, type TraceSpan } from '@hopscope/shared';
import { reportedError } from './span-errors';

/**
 * Every span of the trace for the waterfall's tree (like Jaeger's), by span
 * id: hop spans carry their hop, the rest (middleware, template rendering,
 * anything the mapping does not place) are kept as they are, and the
 * dashboard nests them by `parentSpanId`. Each span's attributes and error
 * are worked out here once; the hops reuse them.
 */
export function spanTree(spans: readonly SpanRecord[], hopBySpanId: ReadonlyMap<string, HopName>, nowMs: number): Map<string, TraceSpan> {
  const tree = new Map<string, TraceSpan>();
  for (const span of spans) tree.set(span.spanId, traceSpan(span, hopBySpanId.get(span.spanId), nowMs));
  return tree;
}

/** The tree as the API sends it: oldest first. */
export function oldestFirst(tree: ReadonlyMap<string, TraceSpan>): TraceSpan[] {
  return [...tree.values()].sort((a, b) => a.start - b.start);
}

function traceSpan(span: SpanRecord, hop: HopName | undefined, nowMs: number): TraceSpan {
  const result: TraceSpan = {
    spanId: span.spanId,
    name: span.name,
    kind: span.kind,
    start: span.startMs,
    duration: Math.max(0, (span.endMs ?? nowMs) - span.startMs),
    inFlight: span.endMs === undefined,
    status: span.status.code,
    attributes: scalarAttributes(span),
  };
  if (span.parentSpanId) result.parentSpanId = span.parentSpanId;
  const service = span.resource[ATTR_SERVICE_NAME];
  if (service !== undefined) result.service = String(service);
  if (span.scope) result.scope = span.scope.name;
  if (hop) result.hop = hop;
  const error = reportedError(span);
  if (error) result.error = error;
  return result;
}

/** Array values joined for display; a span without any (most) keeps its own object, not a copy (spans are not changed once stored). */
export function scalarAttributes(span: SpanRecord): Record<string, AttrScalar> {
  let hasArray = false;
  for (const key in span.attributes) if (Array.isArray(span.attributes[key])) hasArray = true;
  if (!hasArray) return span.attributes as Record<string, AttrScalar>;
  const out: Record<string, AttrScalar> = {};
  for (const key in span.attributes) {
    const value = span.attributes[key]!;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The hop a span happened in: the nearest ancestor (or itself) that measured
 * a hop. Parent links are followed through a map, each span at most once per
 * walk, and a cycle (a hostile export) ends the walk.
 */
export function enclosingHop(
  span: SpanRecord,
  byId: ReadonlyMap<string, SpanRecord>,
  hopBySpanId: ReadonlyMap<string, HopName>,
): HopName | undefined {
  let current: SpanRecord | undefined = span;
  for (let steps = 0; current && steps <= byId.size; steps++) {
    const hop = hopBySpanId.get(current.spanId);
    if (hop) return hop;
    current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined;
  }
  return undefined;
}
