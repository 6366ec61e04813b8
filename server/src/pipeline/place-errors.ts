import { APP_HOPS, ATTR_ERROR_TYPE, type Hop, type HopError, type HopName, type SpanRecord, type TraceSpan } from '@hopscope/shared';
import { exceptionOf } from './span-errors';
import { enclosingHop } from './span-tree';

/**
 * Puts each failure on the hop where it happened and returns the trace's
 * first exception (by the time it was recorded: where it was raised, before
 * it propagated). A hop shows, in this order: an exception on its own span,
 * an exception from a span below it (a database call, a template) that no
 * nearer hop measured, or its own status ERROR / `error.type`.
 */
export function placeErrors(
  spans: readonly SpanRecord[],
  hops: readonly Hop[],
  hopBySpanId: ReadonlyMap<string, HopName>,
  tree: ReadonlyMap<string, TraceSpan>,
): HopError | undefined {
  const ownException = new Map<HopName, Recorded>();
  const belowException = new Map<HopName, Recorded>();
  const ownStatus = new Map<HopName, HopError>();
  const hasGateway = hops.some((h) => h.hop === 'gateway');
  let first: Recorded | undefined;
  let byId: Map<string, SpanRecord> | undefined;
  for (const span of spans) {
    const hop = hopBySpanId.get(span.spanId);
    const recorded = span.events.length > 0 ? exceptionOf(span) : undefined;
    const exception = recorded && { ...recorded, startMs: span.startMs };
    if (exception) first = earliest(first, exception);
    if (hop && exception) ownException.set(hop, earliest(ownException.get(hop), exception));
    else if (hop) {
      const error = tree.get(span.spanId)?.error;
      // The proxy's own spans mark a 5xx answer ERROR; only a failure they name (error.type) is theirs.
      const named = APP_HOPS.includes(hop) || span.attributes[ATTR_ERROR_TYPE] !== undefined;
      if (error && named && !ownStatus.has(hop)) ownStatus.set(hop, error);
    } else if (exception) {
      byId ??= new Map(spans.map((s) => [s.spanId, s]));
      const below = enclosingHop(span, byId, hopBySpanId) ?? (hasGateway ? 'gateway' : undefined);
      if (below) belowException.set(below, earliest(belowException.get(below), exception));
    }
  }
  for (const hop of hops) {
    // Derived and synthesized hops have no span of their own to have failed in.
    if (hop.spanId === undefined) continue;
    const error = ownException.get(hop.hop)?.error ?? belowException.get(hop.hop)?.error ?? ownStatus.get(hop.hop);
    if (error) hop.error = error;
  }
  return first?.error;
}

type Recorded = { error: HopError; timeMs: number; startMs: number };

/**
 * The exception recorded first; on a tie (SDKs that stamp whole
 * milliseconds), the one on the span that started last: the innermost, where
 * it was raised, not a wrapping middleware's span that saw it pass.
 */
function earliest(a: Recorded | undefined, b: Recorded): Recorded {
  if (!a) return b;
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs ? a : b;
  return b.startMs > a.startMs ? b : a;
}
