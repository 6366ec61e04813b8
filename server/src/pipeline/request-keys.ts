import { ATTR_HOPSCOPE_HOP, type SpanRecord } from '@hopscope/shared';

/** Where a span is stored, and the spans already stored that turn out to be its children and now go with it. */
export interface Placement {
  key: string;
  /** Span ids (same trace) that arrived before this span, their parent; they and their subtrees move to `key`. */
  adopt: string[];
}

/** What is known of one trace id's spans. */
interface TraceSpans {
  /** Span id → the key of the entry holding that span. */
  home: Map<string, string>;
  /** Parent span id → spans whose parent has not arrived (made on first need: most traces never wait). */
  waiting?: Map<string, Set<string>>;
  /** The proxy SERVER spans among them (usually one: an array, not a Set per trace). */
  proxies?: string[];
}

const NO_ADOPTION: string[] = [];

/**
 * Which request a span belongs to. The store keeps one entry per request,
 * not per trace: load tools, retries and test fixtures send many requests
 * with the same `traceparent`, and each is still its own request, in the
 * list, the statistics and the dashboard. A request is what one proxy SERVER
 * span (hop `proxy`) saw; every other span joins the request of its parent
 * (or of its child, for the browser's `client` span, which is the proxy
 * span's parent), so an app's spans follow the proxy span they descend from.
 *
 * Keys: the first request of a trace is keyed by the trace id, as it always
 * was; a later request of the same trace by `<trace id>-<proxy span id>`.
 * A span whose relatives have not arrived waits in the trace's first
 * request and moves when they do (a proxy run apart exports its CLIENT span
 * before its SERVER span, in the same batch).
 *
 * Indexed by trace id, then span id: this runs for every span ingested
 * (hundreds of thousands a second), and a composite `trace:span` string key
 * cost a string built and hashed per lookup.
 */
export class RequestKeys {
  private readonly traces = new Map<string, TraceSpans>();
  /** Entry keys that hold a proxy SERVER span: a request that is already someone's. */
  private readonly claimed = new Set<string>();

  constructor(private readonly exists: (key: string) => boolean) {}

  keyOf(traceId: string, spanId: string): string | undefined {
    return this.traces.get(traceId)?.home.get(spanId);
  }

  place(span: SpanRecord): Placement {
    let trace = this.traces.get(span.traceId);
    if (trace === undefined) this.traces.set(span.traceId, (trace = { home: new Map() }));
    const known = trace.home.get(span.spanId);
    if (known !== undefined) return { key: known, adopt: NO_ADOPTION };
    const proxy = isProxySpan(span);
    const key = proxy ? this.requestKey(span) : relativeKey(trace, span);
    trace.home.set(span.spanId, key);
    if (proxy) {
      this.claimed.add(key);
      (trace.proxies ??= []).push(span.spanId);
    }
    if (span.parentSpanId && !trace.home.has(span.parentSpanId)) {
      trace.waiting ??= new Map();
      const siblings = trace.waiting.get(span.parentSpanId);
      if (siblings) siblings.add(span.spanId);
      else trace.waiting.set(span.parentSpanId, new Set([span.spanId]));
    }
    const children = trace.waiting?.get(span.spanId);
    if (children === undefined) return { key, adopt: NO_ADOPTION };
    trace.waiting!.delete(span.spanId);
    const adopt: string[] = [];
    for (const child of children) if (trace.home.get(child) !== key) adopt.push(child);
    return { key, adopt };
  }

  /** A span moved with its subtree into another entry. */
  moved(traceId: string, spanId: string, key: string): void {
    this.traces.get(traceId)?.home.set(spanId, key);
  }

  /** An entry left the store (evicted, or emptied by a move): its spans are no one's any more. */
  forget(key: string, spans: readonly SpanRecord[]): void {
    this.claimed.delete(key);
    for (const span of spans) {
      const trace = this.traces.get(span.traceId);
      if (trace === undefined) continue;
      if (trace.home.get(span.spanId) === key) {
        trace.home.delete(span.spanId);
        const proxy = trace.proxies?.indexOf(span.spanId) ?? -1;
        if (proxy >= 0) trace.proxies!.splice(proxy, 1);
      }
      if (span.parentSpanId && trace.waiting) {
        const siblings = trace.waiting.get(span.parentSpanId);
        siblings?.delete(span.spanId);
        if (siblings?.size === 0) trace.waiting.delete(span.parentSpanId);
      }
      if (trace.home.size === 0 && !trace.waiting?.size) this.traces.delete(span.traceId);
    }
  }

  /** The trace's first request, unless a proxy span already holds it. */
  private requestKey(span: SpanRecord): string {
    if (!this.exists(span.traceId) || !this.claimed.has(span.traceId)) return span.traceId;
    return `${span.traceId}-${span.spanId}`;
  }
}

function relativeKey(trace: TraceSpans, span: SpanRecord): string {
  const parent = span.parentSpanId ? trace.home.get(span.parentSpanId) : undefined;
  if (parent !== undefined) return parent;
  for (const child of trace.waiting?.get(span.spanId) ?? []) {
    // A span with a parent of its own above a proxy span is another service's outgoing call (its
    // request is its parent's, still to come), not a caller in front of this request like the browser's.
    if (span.parentSpanId && trace.proxies?.includes(child)) continue;
    const key = trace.home.get(child);
    if (key !== undefined) return key;
  }
  return span.traceId;
}

/** Read once: isProxySpan runs several times per span, and the shared package's exports are getters under some loaders. */
const HOP_KEY = ATTR_HOPSCOPE_HOP;

export function isProxySpan(span: SpanRecord): boolean {
  return span.kind === 'server' && span.attributes[HOP_KEY] === 'proxy';
}
