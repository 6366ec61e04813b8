import type { Trace, TraceLog } from '@hopscope/shared';

export interface LogStoreLimits {
  /** Records kept across all traces. */
  maxRecords: number;
  /** Their estimated size (body and attributes as text). */
  maxBytes: number;
  /** Records kept for one trace; later ones are dropped, so one chatty request cannot push every other trace's logs out. */
  maxPerTrace: number;
}

export const DEFAULT_LOG_LIMITS: LogStoreLimits = { maxRecords: 20_000, maxBytes: 16 * 1024 * 1024, maxPerTrace: 500 };

/** Fixed cost of one record beside its text: the object, its array slot, its queue entry. */
const RECORD_OVERHEAD_BYTES = 64;

/**
 * Log records that carry a trace id, by trace, for showing with their trace
 * (they may arrive before or after its spans). Bounded by count and bytes:
 * the oldest records go first, and everything dropped is counted.
 */
export class LogStore {
  private readonly byTrace = new Map<string, TraceLog[]>();
  /** Arrival order, oldest first, for eviction; `head` skips what was evicted. */
  private readonly queue: Array<{ traceId: string; bytes: number }> = [];
  private head = 0;
  private bytes = 0;
  received = 0;
  /** Evicted to stay within the bounds, or refused past a trace's limit. */
  dropped = 0;

  constructor(private readonly limits: LogStoreLimits = DEFAULT_LOG_LIMITS) {}

  /** Keeps a record; false when it was refused (its trace is at its limit). */
  add(traceId: string, log: TraceLog): boolean {
    this.received++;
    const logs = this.byTrace.get(traceId) ?? [];
    if (logs.length >= this.limits.maxPerTrace) {
      this.dropped++;
      return false;
    }
    const bytes = sizeOf(log);
    logs.push(log);
    this.byTrace.set(traceId, logs);
    this.queue.push({ traceId, bytes });
    this.bytes += bytes;
    while (this.size > this.limits.maxRecords || (this.bytes > this.limits.maxBytes && this.size > 1)) this.evictOldest();
    return true;
  }

  forTrace(traceId: string): readonly TraceLog[] {
    return this.byTrace.get(traceId) ?? [];
  }

  /** The trace with its logs in time order, each placed at the hop of the span it was written in; the trace itself when it has none. */
  attachTo(trace: Trace, requestOf?: (spanId: string) => string | undefined): Trace {
    // Requests that share a trace id share its logs: each takes those written in its own spans (store.ts requestOf);
    // a later request's id is `<trace id>-<proxy span id>`, the first one's the trace id, which keeps the rest.
    const traceId = trace.traceId.split('-')[0]!;
    const all = this.byTrace.get(traceId);
    const logs = requestOf ? all?.filter((log) => ((log.spanId && requestOf(log.spanId)) || traceId) === trace.traceId) : all;
    if (!logs || logs.length === 0) return trace;
    const hopOf = new Map<string, TraceLog['hop']>();
    for (const hop of trace.hops) if (hop.spanId) hopOf.set(hop.spanId, hop.hop);
    for (const span of trace.spans ?? []) if (span.hop) hopOf.set(span.spanId, span.hop);
    const placed = logs.map((log) => {
      const hop = log.spanId ? hopOf.get(log.spanId) : undefined;
      return hop ? { ...log, hop } : log;
    });
    return { ...trace, logs: placed.sort((a, b) => a.time - b.time) };
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  get bytesHeld(): number {
    return this.bytes;
  }

  private evictOldest(): void {
    const oldest = this.queue[this.head++]!;
    this.bytes -= oldest.bytes;
    this.dropped++;
    // Arrival order is the same within a trace, so its oldest record is the first.
    const logs = this.byTrace.get(oldest.traceId)!;
    logs.shift();
    if (logs.length === 0) this.byTrace.delete(oldest.traceId);
    // Drop the evicted prefix now and then, so the queue does not grow with everything ever received.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

function sizeOf(log: TraceLog): number {
  let bytes = RECORD_OVERHEAD_BYTES + log.body.length + log.severity.length + (log.service?.length ?? 0);
  for (const [key, value] of Object.entries(log.attributes)) bytes += key.length + String(value).length;
  return bytes;
}
