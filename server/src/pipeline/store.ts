import { isFailedTrace, type SpanRecord, type Trace } from '@hopscope/shared';
import { assembleTrace } from './assemble';

export interface StoreLimits {
  maxTraces: number;
  maxSpansPerTrace: number;
}

export interface TraceFilter {
  target?: string;
  status?: string;
  route?: string;
  limit?: number;
}

interface Entry {
  spans: SpanRecord[];
  /** Span id → index in `spans`, made once a trace is big enough that scanning for updates would cost O(n²). */
  index?: Map<string, number>;
  trace?: Trace;
  dirty: boolean;
  counted: boolean;
}

/**
 * The bounded window of traces: a Map in arrival order serves as the ring
 * buffer (the oldest trace is evicted first). Everything dropped is counted.
 * Traces are re-assembled only when a span of theirs changed, or while in
 * flight (their elapsed time grows).
 */
export class TraceStore {
  private readonly entries = new Map<string, Entry>();
  spansReceived = 0;
  spansDropped = 0;
  tracesEvicted = 0;
  /** Completed requests and failures per target since the hub started. */
  readonly totals = new Map<string, { requests: number; errors: number }>();

  constructor(
    private readonly limits: StoreLimits,
    private readonly onChange: (traceId: string) => void = () => {},
  ) {}

  /** Adds or updates a span (a start announcement and its end share the span id). */
  add(span: SpanRecord): void {
    this.spansReceived++;
    let entry = this.entries.get(span.traceId);
    if (!entry) {
      entry = { spans: [], dirty: true, counted: false };
      this.entries.set(span.traceId, entry);
      this.evictOverflow();
    }
    const index = indexOf(entry, span.spanId);
    if (index >= 0) entry.spans[index] = span;
    else if (entry.spans.length >= this.limits.maxSpansPerTrace) {
      this.spansDropped++;
      return;
    } else {
      entry.spans.push(span);
      entry.index?.set(span.spanId, entry.spans.length - 1);
    }
    entry.dirty = true;
    this.onChange(span.traceId);
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
    const limit = filter.limit ?? 100;
    const out: Trace[] = [];
    const all = [...this.entries.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const trace = this.view(all[i]!, nowMs);
      if (trace && matches(trace, filter)) out.push(summaryOf(trace));
    }
    return out;
  }

  /** Every assembled trace, oldest first (for statistics). */
  *traces(nowMs = Date.now()): Iterable<Trace> {
    for (const entry of this.entries.values()) {
      const trace = this.view(entry, nowMs);
      if (trace) yield trace;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private view(entry: Entry, nowMs: number): Trace | undefined {
    if (entry.dirty || entry.trace?.inFlight) {
      entry.trace = assembleTrace(entry.spans, nowMs);
      entry.dirty = false;
      if (entry.trace && !entry.trace.inFlight && !entry.counted) this.count(entry, entry.trace);
    }
    return entry.trace;
  }

  private count(entry: Entry, trace: Trace): void {
    entry.counted = true;
    const totals = this.totals.get(trace.target) ?? { requests: 0, errors: 0 };
    totals.requests++;
    if (isFailedTrace(trace)) totals.errors++;
    this.totals.set(trace.target, totals);
  }

  private evictOverflow(): void {
    while (this.entries.size > this.limits.maxTraces) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.tracesEvicted++;
    }
  }
}

/** Small traces scan; past this many spans a map finds a span's earlier version. */
const SCAN_LIMIT = 16;

function indexOf(entry: Entry, spanId: string): number {
  if (entry.index) return entry.index.get(spanId) ?? -1;
  const spans = entry.spans;
  for (let i = 0; i < spans.length; i++) if (spans[i]!.spanId === spanId) return i;
  if (spans.length >= SCAN_LIMIT) entry.index = new Map(spans.map((s, i) => [s.spanId, i]));
  return -1;
}

function summaryOf(trace: Trace): Trace {
  if (trace.spans === undefined) return trace;
  const { spans: _tree, ...summary } = trace;
  return summary;
}

function matches(trace: Trace, filter: TraceFilter): boolean {
  if (filter.target && trace.target !== filter.target) return false;
  if (filter.route && trace.route !== filter.route) return false;
  if (filter.status) {
    const status = trace.status ?? 0;
    if (filter.status === 'error') return isFailedTrace(trace);
    if (/^\dxx$/.test(filter.status)) return Math.floor(status / 100) === Number(filter.status[0]);
    return String(status) === filter.status;
  }
  return true;
}
