import { ATTR_HTTP_REQUEST_RESEND_COUNT, type HopName, type SpanRecord } from '@hopscope/shared';
import { roleOf } from './semconv-hops';

/** The spans that measure each hop, in arrival order, and what the mapping made of each span. */
export interface PlacedSpans {
  byHop: Map<HopName, SpanRecord[]>;
  /** Spans not sent by hopscope's proxy or the browser: the app's own. */
  appSpans: SpanRecord[];
}

const OUTSIDE_APP: ReadonlySet<string> = new Set(['client', 'proxy', 'server']);

export function placeSpans(spans: readonly SpanRecord[]): PlacedSpans {
  const byHop = new Map<HopName, SpanRecord[]>();
  const appSpans: SpanRecord[] = [];
  for (const span of spans) {
    const role = roleOf(span);
    if (!(role !== undefined && OUTSIDE_APP.has(role))) appSpans.push(span);
    if (role === undefined || role === 'middleware') continue;
    const list = byHop.get(role);
    if (list) list.push(span);
    else byHop.set(role, [span]);
  }
  return { byHop, appSpans };
}

/**
 * The spans a hop is drawn from. Most hops take their earliest span (the
 * request's own SERVER span, not a downstream one). A view and a response
 * are the envelope of all theirs: a handler chain (`app.get(path, auth,
 * handler)`) or ASGI's several `http send` spans. The server hop is the
 * proxy's last attempt: when it resent a request (`http.request.resend_count`,
 * docs/proxy.md) the answer the client got came from the resend; the failed
 * attempt stays in the span tree.
 */
export function hopSpans(hop: HopName, spans: readonly SpanRecord[]): SpanRecord[] {
  if (hop === 'view' || hop === 'response') return [...spans].sort((a, b) => a.startMs - b.startMs);
  if (hop === 'server' && spans.some((s) => s.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] !== undefined)) {
    return [spans.reduce((last, s) => (resends(s) > resends(last) ? s : last))];
  }
  let earliest = spans[0]!;
  for (const span of spans) if (span.startMs < earliest.startMs) earliest = span;
  return [earliest];
}

function resends(span: SpanRecord): number {
  return Number(span.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] ?? 0);
}
