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
    const index = entry.spans.findIndex((s) => s.spanId === span.spanId);
    if (index >= 0) entry.spans[index] = span;
    else if (entry.spans.length >= this.limits.maxSpansPerTrace) {
      this.spansDropped++;
      return;
    } else entry.spans.push(span);
    entry.dirty = true;
    this.onChange(span.traceId);
  }

  get(traceId: string, nowMs = Date.now()): Trace | undefined {
    const entry = this.entries.get(traceId);
    return entry ? this.view(entry, nowMs) : undefined;
  }

  /** Newest first. */
  list(filter: TraceFilter = {}, nowMs = Date.now()): Trace[] {
    const limit = filter.limit ?? 100;
    const out: Trace[] = [];
    const all = [...this.entries.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const trace = this.view(all[i]!, nowMs);
      if (trace && matches(trace, filter)) out.push(trace);
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
