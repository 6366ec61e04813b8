import { setImmediate as nextTurn } from 'node:timers/promises';
import { ATTR_HOPSCOPE_TARGET, isFailedTrace, type SpanRecord, type Trace } from '@hopscope/shared';
import { assembleTrace } from './assemble';
import { ArrivalOrder } from './arrival-order';
import { ListChoice } from './list-choice';
import { isProxySpan, RequestKeys } from './request-keys';
import { RequestLinks } from './request-links';
import { spanBytes } from './span-size';

export interface StoreLimits {
  maxTraces: number;
  maxSpansPerTrace: number;
  /** Estimated bytes of spans (span-size.ts) the window holds at most; the oldest traces go first. */
  maxBytes?: number;
}

export interface TraceFilter {
  target?: string;
  status?: string;
  route?: string;
  limit?: number;
}

interface Entry {
  /** The request's id: its trace id, or `<trace id>-<proxy span id>` for a later request of the same trace (request-keys.ts). */
  key: string;
  spans: SpanRecord[];
  /** spanBytes of its spans. */
  bytes: number;
  /** Span id → index in `spans`, made once a trace is big enough that scanning for updates would cost O(n²). */
  index?: Map<string, number>;
  trace?: Trace;
  dirty: boolean;
  counted: boolean;
  /** When its first span arrived (Date.now()). */
  createdAt: number;
}

/**
 * The bounded window of traces, one entry per request (request-keys.ts: many
 * requests may share one trace id): a Map by key, with a queue in arrival
 * order (arrival-order.ts) from which the oldest is evicted first, bounded
 * by count and by estimated bytes. Everything dropped is counted.
 * Traces are re-assembled only when a span of theirs changed, or while in
 * flight (their elapsed time grows).
 */
export class TraceStore {
  private readonly entries = new Map<string, Entry>();
  /** The entries oldest first, for eviction (arrival-order.ts says why not the Map's own order). */
  private readonly order = new ArrivalOrder<Entry>((entry) => this.entries.get(entry.key) === entry);
  spansReceived = 0;
  spansDropped = 0;
  tracesEvicted = 0;
  /** Estimated bytes of every stored span. */
  bytes = 0;
  private readonly keys = new RequestKeys((key) => this.entries.has(key));
  /** Which request called which (another service behind hopscope, same trace). */
  private readonly links = new RequestLinks();
  /** Completed requests and failures per target since the hub started. */
  readonly totals = new Map<string, { requests: number; errors: number }>();

  constructor(
    private readonly limits: StoreLimits,
    private readonly onChange: (traceId: string) => void = () => {},
  ) {}

  /** Adds or updates a span (a start announcement and its end share the span id). */
  add(span: SpanRecord): void {
    this.spansReceived++;
    const { key, adopt } = this.keys.place(span);
    this.links.noteProxySpan(span, key);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, spans: [], bytes: 0, dirty: true, counted: false, createdAt: Date.now() };
      this.entries.set(key, entry);
      this.order.push(entry);
    }
    const index = indexOf(entry, span.spanId);
    const size = spanBytes(span);
    if (index >= 0) {
      this.resize(entry, size - spanBytes(entry.spans[index]!));
      entry.spans[index] = span;
    } else if (entry.spans.length >= this.limits.maxSpansPerTrace) {
      this.spansDropped++;
      return;
    } else {
      entry.spans.push(span);
      entry.index?.set(span.spanId, entry.spans.length - 1);
      this.resize(entry, size);
    }
    for (const child of adopt) this.adopt(span.traceId, child, entry);
    entry.dirty = true;
    this.evictOverflow(entry);
    this.onChange(key);
    this.linkedChanged(span, key, entry);
  }

  /**
   * Links are resolved when a request is read, but a live view holds the
   * copy it was sent: the other end of a link that `span` makes or completes
   * is announced as changed too. The called service often ends, and is sent,
   * before its caller's spans arrive (the proxies announce only requests
   * still in flight after a while), so it learns who called it later.
   */
  private linkedChanged(span: SpanRecord, key: string, entry: Entry): void {
    if (isProxySpan(span)) {
      const caller = span.parentSpanId === undefined ? undefined : this.keys.keyOf(span.traceId, span.parentSpanId);
      if (caller !== undefined && caller !== key) this.onChange(caller);
      // This request's target is known now: the requests it called can name it.
      for (const s of entry.spans) if (s.kind === 'client') this.calledChanged(s, key);
    } else if (span.kind === 'client') this.calledChanged(span, key);
  }

  private calledChanged(call: SpanRecord, key: string): void {
    const called = this.links.calledFrom(call.traceId, call.spanId);
    if (called !== undefined && called !== key) this.onChange(called);
  }

  /**
   * Whether a request is, for now, only spans waiting for a parent that has
   * not arrived, and arrived less than `graceMs` ago: most often an app's
   * spans ahead of the proxy span they hang under (the proxies send a quick
   * request's spans at its end), which will join that request. A live view
   * shown it now would show a request of the app's service name that is gone
   * a moment later. After the grace it is a request of its own (an app behind
   * some other proxy, whose parent never comes).
   */
  awaitsParent(key: string, graceMs: number, nowMs = Date.now()): boolean {
    const entry = this.entries.get(key);
    if (!entry || nowMs - entry.createdAt >= graceMs) return false;
    for (const span of entry.spans) {
      if (isProxySpan(span) || span.parentSpanId === undefined) return false;
      if (this.keys.keyOf(span.traceId, span.parentSpanId) !== undefined && indexOf(entry, span.parentSpanId) < 0) return false;
    }
    return entry.spans.length > 0;
  }

  get(traceId: string, nowMs = Date.now()): Trace | undefined {
    const entry = this.entries.get(traceId);
    return entry ? this.view(entry, nowMs) : undefined;
  }

  /**
   * Newest first, as summaries: without `spans` (the span tree), which a
   * list of up to 1000 traces would multiply; `get` has them.
   */
  list(filter: TraceFilter = {}, nowMs = Date.now()): Trace[] {
    return this.listWithin(filter, Infinity, nowMs).traces;
  }

  /**
   * `list`, stopping once the traces taken hold `maxBytes` of spans (at
   * least one is taken): what one answer may cost to build, whatever the
   * limit asked for. `complete` is false when it stopped early.
   */
  listWithin(filter: TraceFilter, maxBytes: number, nowMs = Date.now()): { traces: Trace[]; complete: boolean } {
    const all = [...this.entries.values()];
    const chosen = new ListChoice(filter, maxBytes);
    for (let i = all.length - 1; i >= 0 && chosen.wantsMore(); i--) chosen.consider(all[i]!.bytes, this.view(all[i]!, nowMs));
    return chosen.result();
  }

  /**
   * listWithin for an HTTP answer: the same choice, with the event loop
   * turning every LIST_ENTRIES_PER_TURN entries looked at (a filter that
   * matches few of 10,000 requests looks at all of them). Entries evicted
   * meanwhile are passed over; the newest, added meanwhile, are not looked at.
   */
  async listWithinPaced(filter: TraceFilter, maxBytes: number, nowMs = Date.now()): Promise<{ traces: Trace[]; complete: boolean }> {
    const all = [...this.entries.values()];
    const chosen = new ListChoice(filter, maxBytes);
    for (let i = all.length - 1, seen = 1; i >= 0 && chosen.wantsMore(); i--, seen++) {
      const entry = all[i]!;
      if (this.entries.get(entry.key) === entry) chosen.consider(entry.bytes, this.view(entry, nowMs));
      if (seen % LIST_ENTRIES_PER_TURN === 0) await nextTurn();
    }
    return chosen.result();
  }

  /** Every assembled trace, oldest first (for statistics). */
  *traces(nowMs = Date.now()): Iterable<Trace> {
    for (const entry of this.entries.values()) {
      const trace = this.view(entry, nowMs);
      if (trace) yield trace;
    }
  }

  /** The id of the request a stored span belongs to (request-keys.ts), e.g. for the log records written in it. */
  requestOf(traceId: string, spanId: string): string | undefined {
    return this.keys.keyOf(traceId, spanId);
  }

  get size(): number {
    return this.entries.size;
  }

  private view(entry: Entry, nowMs: number): Trace | undefined {
    if (entry.dirty || entry.trace?.inFlight) {
      entry.trace = assembleTrace(entry.spans, nowMs);
      // A later request of a shared trace id answers to its own key, so that the API and the dashboard tell them apart.
      if (entry.trace) entry.trace.traceId = entry.key;
      entry.dirty = false;
      if (entry.trace && !entry.trace.inFlight && !entry.counted) this.count(entry, entry.trace);
    }
    if (entry.trace)
      this.links.link(
        entry.trace,
        entry.key,
        entry.spans,
        (t, s) => this.keys.keyOf(t, s),
        // From the spans, not the request's last assembled view, which may predate its proxy span.
        (k) => targetOf(this.entries.get(k)),
      );
    return entry.trace;
  }

  private count(entry: Entry, trace: Trace): void {
    entry.counted = true;
    const totals = this.totals.get(trace.target) ?? { requests: 0, errors: 0 };
    totals.requests++;
    if (isFailedTrace(trace)) totals.errors++;
    this.totals.set(trace.target, totals);
  }

  private resize(entry: Entry, delta: number): void {
    entry.bytes += delta;
    this.bytes += delta;
  }

  /** Moves a span that arrived before its parent, and its subtree, into the parent's request. */
  private adopt(traceId: string, spanId: string, into: Entry): void {
    const fromKey = this.keys.keyOf(traceId, spanId);
    const from = fromKey === undefined ? undefined : this.entries.get(fromKey);
    if (!from || from === into) return;
    const subtree = subtreeOf(from.spans, spanId);
    const moving = from.spans.filter((s) => subtree.has(s.spanId));
    // A proxy span is a request of its own: it never moves into another request's entry.
    if (moving.some(isProxySpan)) return;
    from.spans = from.spans.filter((s) => !subtree.has(s.spanId));
    from.index = undefined;
    from.dirty = true;
    for (const span of moving) {
      if (span.kind === 'client') this.calledChanged(span, into.key);
      const size = spanBytes(span);
      this.resize(from, -size);
      into.spans.push(span);
      into.index?.set(span.spanId, into.spans.length - 1);
      this.resize(into, size);
      this.keys.moved(traceId, span.spanId, into.key);
    }
    if (from.spans.length === 0) {
      this.entries.delete(from.key);
      this.order.trim(this.entries.size);
      this.keys.forget(from.key, []);
    } else this.onChange(from.key);
  }

  /** Oldest first, by count and by bytes; never the entry being added to. */
  private evictOverflow(current: Entry): void {
    const maxBytes = this.limits.maxBytes ?? Infinity;
    while (this.entries.size > this.limits.maxTraces || this.bytes > maxBytes) {
      const oldest = this.order.oldest();
      if (oldest === undefined || oldest === current) break;
      this.order.shift();
      this.entries.delete(oldest.key);
      this.resize(oldest, -oldest.bytes);
      this.keys.forget(oldest.key, oldest.spans);
      this.links.forget(oldest.key, oldest.spans);
      this.tracesEvicted++;
    }
  }
}

/** Entries a paced list looks at between turns of the event loop. */
const LIST_ENTRIES_PER_TURN = 500;

/** Small traces scan; past this many spans a map finds a span's earlier version. */
const SCAN_LIMIT = 16;

function indexOf(entry: Entry, spanId: string): number {
  if (entry.index) return entry.index.get(spanId) ?? -1;
  const spans = entry.spans;
  for (let i = 0; i < spans.length; i++) if (spans[i]!.spanId === spanId) return i;
  if (spans.length >= SCAN_LIMIT) entry.index = new Map(spans.map((s, i) => [s.spanId, i]));
  return -1;
}

/**
 * A span and its descendants (by parent links within `spans`), short of any proxy span below it: that is
 * another request (another service's, called from this subtree), which stays
 * where it is with everything under it. A called service that answers before
 * its caller's proxy span is announced holds the caller's outgoing call until
 * the caller's spans arrive; then the call moves and the called request stays.
 */
function subtreeOf(spans: readonly SpanRecord[], rootId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const span of spans) {
    if (!span.parentSpanId || isProxySpan(span)) continue;
    const list = children.get(span.parentSpanId) ?? children.set(span.parentSpanId, []).get(span.parentSpanId)!;
    list.push(span.spanId);
  }
  const subtree = new Set([rootId]);
  for (const id of subtree) for (const child of children.get(id) ?? []) subtree.add(child);
  return subtree;
}

/** The target of a stored request: its proxy span's `hopscope.target`. */
function targetOf(entry: Entry | undefined): string | undefined {
  const target = entry?.spans.find(isProxySpan)?.attributes[ATTR_HOPSCOPE_TARGET];
  return typeof target === 'string' ? target : undefined;
}
