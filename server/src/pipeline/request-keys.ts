import { ATTR_HOPSCOPE_HOP, type SpanRecord } from '@hopscope/shared';

/** Where a span is stored, and the spans already stored that turn out to be its children and now go with it. */
export interface Placement {
  key: string;
  /** Span ids (same trace) that arrived before this span, their parent; they and their subtrees move to `key`. */
  adopt: string[];
}

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
 */
export class RequestKeys {
  /** `traceId:spanId` → the key of the entry holding that span. */
  private readonly home = new Map<string, string>();
  /** `traceId:parentId` → spans whose parent has not arrived. */
  private readonly waiting = new Map<string, Set<string>>();
  /** Entry keys that hold a proxy SERVER span: a request that is already someone's. */
  private readonly claimed = new Set<string>();

  constructor(private readonly exists: (key: string) => boolean) {}

  keyOf(traceId: string, spanId: string): string | undefined {
    return this.home.get(ref(traceId, spanId));
  }

  place(span: SpanRecord): Placement {
    const id = ref(span.traceId, span.spanId);
    const known = this.home.get(id);
    if (known !== undefined) return { key: known, adopt: [] };
    const key = isProxySpan(span) ? this.requestKey(span) : this.relativeKey(span);
    this.home.set(id, key);
    if (isProxySpan(span)) this.claimed.add(key);
    if (span.parentSpanId && !this.home.has(ref(span.traceId, span.parentSpanId))) {
      const parent = ref(span.traceId, span.parentSpanId);
      const siblings = this.waiting.get(parent) ?? this.waiting.set(parent, new Set()).get(parent)!;
      siblings.add(span.spanId);
    }
    const children = this.waiting.get(id);
    this.waiting.delete(id);
    const adopt = children ? [...children].filter((child) => this.home.get(ref(span.traceId, child)) !== key) : [];
    return { key, adopt };
  }

  /** A span moved with its subtree into another entry. */
  moved(traceId: string, spanId: string, key: string): void {
    this.home.set(ref(traceId, spanId), key);
  }

  /** An entry left the store (evicted, or emptied by a move): its spans are no one's any more. */
  forget(key: string, spans: readonly SpanRecord[]): void {
    this.claimed.delete(key);
    for (const span of spans) {
      if (this.home.get(ref(span.traceId, span.spanId)) === key) this.home.delete(ref(span.traceId, span.spanId));
      if (!span.parentSpanId) continue;
      const parent = ref(span.traceId, span.parentSpanId);
      const siblings = this.waiting.get(parent);
      siblings?.delete(span.spanId);
      if (siblings?.size === 0) this.waiting.delete(parent);
    }
  }

  /** The trace's first request, unless a proxy span already holds it. */
  private requestKey(span: SpanRecord): string {
    if (!this.exists(span.traceId) || !this.claimed.has(span.traceId)) return span.traceId;
    return `${span.traceId}-${span.spanId}`;
  }

  private relativeKey(span: SpanRecord): string {
    const parent = span.parentSpanId ? this.home.get(ref(span.traceId, span.parentSpanId)) : undefined;
    if (parent !== undefined) return parent;
    for (const child of this.waiting.get(ref(span.traceId, span.spanId)) ?? []) {
      const key = this.home.get(ref(span.traceId, child));
      if (key !== undefined) return key;
    }
    return span.traceId;
  }
}

export function isProxySpan(span: SpanRecord): boolean {
  return span.kind === 'server' && span.attributes[ATTR_HOPSCOPE_HOP] === 'proxy';
}

function ref(traceId: string, spanId: string): string {
  return `${traceId}:${spanId}`;
}
